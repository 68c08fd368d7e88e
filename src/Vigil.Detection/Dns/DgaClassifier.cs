using System.Collections.Concurrent;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Transforms.Text;

namespace Vigil.Detection.Dns;

/// <summary>
/// A Microsoft.ML binary classifier that scores how likely a registrable domain (such as
/// <c>example.com</c>) is algorithmically generated: a logistic regression over character 1- to 4-grams
/// of its first label and its suffix, whose score boosted decision trees (FastTree) combine with the
/// suffix and the label's <see cref="DomainShape"/>. <c>vigil train</c> trains it, and
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
            probability = engine.Predict(DomainInput.Of(registrableDomain)).Probability;
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

    /// <summary>
    /// Trains a classifier on labelled registrable domains (true for generated) in two stages. A
    /// logistic regression (SDCA) over character 1- to 4-grams of the first label and the suffix gives a
    /// score of how generated the letters look. Boosted decision trees (FastTree) then combine that
    /// score with the suffix and the label's <see cref="DomainShape"/>, and give calibrated
    /// probabilities. The trees learn from out-of-fold scores (each fifth of the examples scored by a
    /// regression trained on the other four fifths), so they see the regression as it scores names it
    /// has not learned.
    /// </summary>
    public static DgaClassifier Train(IEnumerable<(string Domain, bool Generated)> examples, int seed)
    {
        const int folds = 5;
        var context = new MLContext(seed: seed);
        var inputs = examples.Select(item => DomainInput.Of(item.Domain, item.Generated)).ToList();
        for (var fold = 0; fold < folds; fold++)
        {
            var part = fold;
            var model = LinearStage(context).Fit(context.Data.LoadFromEnumerable(inputs.Where((_, index) => index % folds != part)));
            var held = inputs.Where((_, index) => index % folds == part).ToList();
            var scores = context.Data.CreateEnumerable<LinearOutput>(model.Transform(context.Data.LoadFromEnumerable(held)), reuseRowObject: false).ToList();
            for (var i = 0; i < held.Count; i++)
            {
                held[i].LinearScore = scores[i].Score;
            }
        }

        var data = context.Data.LoadFromEnumerable(inputs);
        var linear = LinearStage(context).Fit(data);
        var copy = context.Transforms.CopyColumns(nameof(DomainInput.LinearScore), "Score").Fit(linear.Transform(data));
        var trainer = new FastTreeBinaryTrainer.Options
        {
            LabelColumnName = nameof(DomainInput.Label),
            FeatureColumnName = "Features",
            NumberOfTrees = 500,
            NumberOfLeaves = 32,
            MinimumExampleCountPerLeaf = 5,
            LearningRate = 0.15,
            FeatureFraction = 0.5,
            Seed = seed,
            NumberOfThreads = 1,
        };
        var trees = context.Transforms.Categorical.OneHotEncoding("SuffixKey", nameof(DomainInput.Suffix))
            .Append(context.Transforms.Concatenate("Features", "Grams", "SuffixKey", nameof(DomainInput.Shape), nameof(DomainInput.LinearScore)))
            .Append(context.BinaryClassification.Trainers.FastTree(trainer))
            .Fit(linear.Transform(data));
        return new DgaClassifier(context, new TransformerChain<ITransformer>(linear, copy, trees));
    }

    private static IEstimator<ITransformer> LinearStage(MLContext context)
    {
        var featurizer = new TextFeaturizingEstimator.Options
        {
            CaseMode = TextNormalizingEstimator.CaseMode.Lower,
            KeepDiacritics = false,
            KeepPunctuations = true,
            KeepNumbers = true,
            WordFeatureExtractor = null,
            CharFeatureExtractor = new WordBagEstimator.Options { NgramLength = 4, UseAllLengths = true },
            Norm = TextFeaturizingEstimator.NormFunction.L2,
        };
        return context.Transforms.Text.FeaturizeText("Grams", featurizer, nameof(DomainInput.Name))
            .Append(context.Transforms.Categorical.OneHotEncoding("LinearSuffix", nameof(DomainInput.Suffix)))
            .Append(context.Transforms.Concatenate("LinearFeatures", "Grams", "LinearSuffix"))
            .Append(context.BinaryClassification.Trainers.SdcaLogisticRegression(new SdcaLogisticRegressionBinaryTrainer.Options
            {
                LabelColumnName = nameof(DomainInput.Label),
                FeatureColumnName = "LinearFeatures",
                NumberOfThreads = 1,
            }));
    }

    private static DgaClassifier? LoadEmbedded()
    {
        using var stream = typeof(DgaClassifier).Assembly.GetManifestResourceStream(ResourceName);
        return stream is null ? null : Load(stream);
    }

    /// <summary>One example: the first label of the registrable domain, its suffix and shape, and, for training, whether it is generated.</summary>
    public sealed class DomainInput
    {
        public string Name { get; set; } = string.Empty;

        public string Suffix { get; set; } = string.Empty;

        [VectorType(DomainShape.Size)]
        public float[] Shape { get; set; } = new float[DomainShape.Size];

        public bool Label { get; set; }

        /// <summary>The first stage's score; the model computes it, so callers leave it 0.</summary>
        public float LinearScore { get; set; }

        /// <summary>Returns the model's input for a registrable domain.</summary>
        public static DomainInput Of(string registrableDomain, bool generated = false)
        {
            var (name, suffix) = DomainShape.Split(registrableDomain);
            return new DomainInput { Name = name, Suffix = suffix, Shape = DomainShape.Measure(name), Label = generated };
        }
    }

    /// <summary>The first stage's raw score, read while training the second.</summary>
    public sealed class LinearOutput
    {
        public float Score { get; set; }
    }

    /// <summary>The model's output for one domain.</summary>
    public sealed class DomainPrediction
    {
        [ColumnName("PredictedLabel")]
        public bool Generated { get; set; }

        public float Probability { get; set; }
    }
}
