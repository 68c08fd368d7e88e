using System.CommandLine;
using Vigil.Cli.Commands;

var root = new RootCommand("Vigil: threat detection for AWS logs.")
{
    IngestCommand.Create(),
    ReplayCommand.Create(),
    SimulateCommand.Create(),
    DatabaseCommand.Create(),
    ListsCommand.Create(),
    RulesCommand.Create(),
    ValidateTrailCommand.Create(),
    ParseCommand.Create(),
    BenchCommand.Create(),
    TrainCommand.Create(),
    EvaluateCommand.Create(),
};

return await root.Parse(args).InvokeAsync();
