using System.Collections.Concurrent;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Text;

namespace Vigil.Detection.Dns;

/// <summary>
/// A Microsoft.ML binary classifier that scores how likely a registrable domain (such as
/// <c>example.com</c>) is algorithmically generated: character 1- to 3-grams of the name (with start
/// and end marks), L2-normalised, into an SDCA logistic regression. <c>vigil train</c> trains it, and
/// the trained model ships in this assembly (<c>Dns/dga-model.zip</c>). Thread-safe: prediction engines
/// are pooled, and scores are cached per name.
/// </summary>
public sealed class DgaClassifier
{
    private const string ResourceName = "Vigil.Detection.Dns.dga-model.zip";
    private const int MaxCachedScores = 65_536;

    private static readonly Lazy<DgaClassifier?> Embedded = new(LoadEmbedded);

    private readonly MLContext context;
    private readonly ITransformer model;
    private readonly ConcurrentBag<PredictionEngine<DomainInput, DomainPrediction>> engines = [];
    private readonly ConcurrentDictionary<string, float> cache = new(StringComparer.Ordinal);

    private DgaClassifier(MLContext context, ITransformer model)
    {
        this.context = context;
        this.model = model;
    }

    /// <summary>The model shipped in this assembly, or null when the assembly was built without one.</summary>
    public static DgaClassifier? Default => Embedded.Value;

    /// <summary>Returns the probability (0 to 1) that a registrable domain is algorithmically generated.</summary>
    public float Score(string registrableDomain)
    {
        if (cache.TryGetValue(registrableDomain, out var cached))
        {
            return cached;
        }

        if (!engines.TryTake(out var engine))
        {
            engine = context.Model.CreatePredictionEngine<DomainInput, DomainPrediction>(model);
        }

        float probability;
        try
        {
            probability = engine.Predict(new DomainInput { Domain = registrableDomain }).Probability;
        }
        finally
        {
            engines.Add(engine);
        }

        if (cache.Count >= MaxCachedScores)
        {
            cache.Clear();
        }

        cache.TryAdd(registrableDomain, probability);
        return probability;
    }

    /// <summary>Loads a model saved by <see cref="Save"/>.</summary>
    public static DgaClassifier Load(Stream stream)
    {
        var context = new MLContext(seed: 1);
        var model = context.Model.Load(stream, out _);
        return new DgaClassifier(context, model);
    }

    /// <summary>Saves the model in Microsoft.ML's zip format.</summary>
    public void Save(Stream stream)
    {
        var schema = context.Data.LoadFromEnumerable(Array.Empty<DomainInput>()).Schema;
        context.Model.Save(model, schema, stream);
    }

    /// <summary>Trains a classifier on labelled registrable domains (true for generated).</summary>
    public static DgaClassifier Train(IEnumerable<(string Domain, bool Generated)> examples, int seed)
    {
        var context = new MLContext(seed: seed);
        var data = context.Data.LoadFromEnumerable(examples.Select(item => new DomainInput { Domain = item.Domain, Label = item.Generated }));
        var featurizer = new TextFeaturizingEstimator.Options
        {
            CaseMode = TextNormalizingEstimator.CaseMode.Lower,
            KeepDiacritics = false,
            KeepPunctuations = true,
            KeepNumbers = true,
            WordFeatureExtractor = null,
            CharFeatureExtractor = new WordBagEstimator.Options { NgramLength = 3, UseAllLengths = true },
            Norm = TextFeaturizingEstimator.NormFunction.L2,
        };
        var pipeline = context.Transforms.Text.FeaturizeText("Features", featurizer, nameof(DomainInput.Domain))
            .Append(context.BinaryClassification.Trainers.SdcaLogisticRegression(labelColumnName: nameof(DomainInput.Label), featureColumnName: "Features"));
        return new DgaClassifier(context, pipeline.Fit(data));
    }

    private static DgaClassifier? LoadEmbedded()
    {
        using var stream = typeof(DgaClassifier).Assembly.GetManifestResourceStream(ResourceName);
        return stream is null ? null : Load(stream);
    }

    /// <summary>One example: the registrable domain and, for training, whether it is generated.</summary>
    public sealed class DomainInput
    {
        public string Domain { get; set; } = string.Empty;

        public bool Label { get; set; }
    }

    /// <summary>The model's output for one domain.</summary>
    public sealed class DomainPrediction
    {
        [ColumnName("PredictedLabel")]
        public bool Generated { get; set; }

        public float Probability { get; set; }
    }
}
