namespace Vigil.Detection.Dns;

/// <summary>
/// The inputs of the DGA classifier for one registrable domain: its first label (the name a generator
/// chooses), its suffix (the top-level domain or common multi-label suffix), and numeric measures of the
/// label's shape that character n-grams miss: length, digits, vowels, entropy, runs and how English its
/// letter pairs are.
/// </summary>
public static class DomainShape
{
    /// <summary>Number of values <see cref="Measure"/> returns.</summary>
    public const int Size = 11;

    /// <summary>Longest label measured; DNS labels are at most 63 characters.</summary>
    private const int MaxLabel = 63;

    // Forty letter pairs that are frequent in English text (a fixed list chosen for Vigil).
    private static readonly HashSet<string> CommonPairs = new(StringComparer.Ordinal)
    {
        "th", "he", "in", "er", "an", "re", "on", "at", "en", "nd", "ti", "es", "or", "te", "of", "ed", "is", "it", "al", "ar",
        "st", "to", "nt", "ng", "se", "ha", "as", "ou", "io", "le", "ve", "co", "me", "de", "hi", "ri", "ro", "ic", "ne", "ea",
    };

    /// <summary>Splits a registrable domain into its first label and the suffix after it (empty for a single label).</summary>
    public static (string Label, string Suffix) Split(string registrableDomain)
    {
        var name = registrableDomain.ToLowerInvariant();
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? (name, string.Empty) : (name[..dot], name[(dot + 1)..]);
    }

    /// <summary>
    /// Returns the shape of a label: length, share of digits, share of vowels among letters, Shannon
    /// entropy in bits a character, longest consonant run, longest vowel run, distinct characters per
    /// character, hyphens, share of letter pairs among the 40 commonest in English, share of the rare
    /// letters j, k, q, v, w, x and z, and changes between letters and digits.
    /// </summary>
    public static float[] Measure(string label)
    {
        var text = label.Length > MaxLabel ? label[..MaxLabel] : label;
        var shape = new float[Size];
        if (text.Length == 0)
        {
            return shape;
        }

        Span<int> counts = stackalloc int[128];
        int digits = 0, vowels = 0, letters = 0, hyphens = 0, rare = 0, switches = 0, pairs = 0, commonPairs = 0;
        int consonantRun = 0, vowelRun = 0, longestConsonants = 0, longestVowels = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            counts[c < 128 ? c : 127]++;
            var isDigit = char.IsAsciiDigit(c);
            var isLetter = char.IsAsciiLetterLower(c);
            digits += isDigit ? 1 : 0;
            hyphens += c == '-' ? 1 : 0;
            if (isLetter)
            {
                letters++;
                var vowel = c is 'a' or 'e' or 'i' or 'o' or 'u';
                vowels += vowel ? 1 : 0;
                rare += c is 'j' or 'k' or 'q' or 'v' or 'w' or 'x' or 'z' ? 1 : 0;
                consonantRun = vowel ? 0 : consonantRun + 1;
                vowelRun = vowel ? vowelRun + 1 : 0;
                longestConsonants = Math.Max(longestConsonants, consonantRun);
                longestVowels = Math.Max(longestVowels, vowelRun);
            }
            else
            {
                consonantRun = 0;
                vowelRun = 0;
            }

            if (i > 0)
            {
                var previous = text[i - 1];
                switches += isDigit && char.IsAsciiLetterLower(previous) || isLetter && char.IsAsciiDigit(previous) ? 1 : 0;
                if (isLetter && char.IsAsciiLetterLower(previous))
                {
                    pairs++;
                    commonPairs += CommonPairs.Contains(text.Substring(i - 1, 2)) ? 1 : 0;
                }
            }
        }

        var entropy = 0.0;
        var distinct = 0;
        foreach (var count in counts)
        {
            if (count > 0)
            {
                distinct++;
                var p = count / (double)text.Length;
                entropy -= p * Math.Log2(p);
            }
        }

        shape[0] = text.Length;
        shape[1] = digits / (float)text.Length;
        shape[2] = letters == 0 ? 0 : vowels / (float)letters;
        shape[3] = (float)entropy;
        shape[4] = longestConsonants;
        shape[5] = longestVowels;
        shape[6] = distinct / (float)text.Length;
        shape[7] = hyphens;
        shape[8] = pairs == 0 ? 0 : commonPairs / (float)pairs;
        shape[9] = letters == 0 ? 0 : rare / (float)letters;
        shape[10] = switches;
        return shape;
    }
}
