using System.Security.Cryptography;
using System.Text;

namespace Vigil.Detection.Dns;

/// <summary>
/// Domain generation algorithms written for Vigil after the published descriptions of malware
/// families, for training the DGA classifier and for planting DGA traffic in simulations. Each family
/// follows its model's seeding, character set, length range and top-level domains; none is a
/// byte-exact copy of the malware's algorithm, so the names differ from the real families' lists.
/// </summary>
public static class DgaGenerators
{
    /// <summary>The families, each with the family it is modelled on.</summary>
    public static IReadOnlyList<(string Name, string ModelledOn)> Families { get; } =
    [
        ("uniform-letters", "Conficker.C: 4 to 10 random lower-case letters a day, from a date-seeded generator, many TLDs"),
        ("date-xorshift", "CryptoLocker: 12 to 15 letters from shift-and-xor mixing of year, month and day, seven TLDs"),
        ("seed-mutation", "Banjori: a fixed seed name whose first four letters are shifted for each new domain"),
        ("md5-letters", "GameOver Zeus: letters taken from the MD5 of the date and a counter, 12 to 24 characters"),
        ("word-pairs", "Suppobox and Matsnu: two English dictionary words joined"),
        ("consonant-vowel", "Pykspa and Qakbot variants: pronounceable strings of alternating consonants and vowels"),
    ];

    private static readonly string[] ConfickerTlds = ["com", "net", "org", "info", "biz", "ws", "cn", "cc", "in", "ru"];
    private static readonly string[] LockerTlds = ["com", "net", "biz", "ru", "org", "co.uk", "info"];
    private static readonly string[] ZeusTlds = ["ru", "biz", "info", "org", "net", "com"];
    private static readonly string[] WordTlds = ["net", "com", "ru"];
    private static readonly string[] SeedNames = ["andersonbrightwaterhill", "carefulnessmountainedge", "pleasantvillagewoodlands"];

    private static readonly string[] Words =
    [
        "able", "about", "above", "across", "action", "active", "after", "again", "against", "agree", "ahead", "allow", "almost", "alone",
        "along", "already", "always", "amount", "animal", "answer", "appear", "apple", "area", "around", "arrive", "article", "basket",
        "beauty", "become", "before", "begin", "behind", "believe", "below", "better", "between", "beyond", "blood", "board", "bottom",
        "branch", "bread", "bridge", "bright", "brother", "brown", "build", "burn", "butter", "camera", "cannot", "capital", "careful",
        "carry", "center", "chance", "change", "charge", "cheap", "chief", "child", "choice", "church", "circle", "class", "clean", "clear",
        "climb", "clock", "close", "cloud", "coast", "color", "common", "company", "corner", "cotton", "country", "course", "cover",
        "crowd", "current", "danger", "dark", "daughter", "decide", "degree", "depend", "desert", "design", "detail", "develop",
        "differ", "dinner", "direct", "doctor", "double", "dream", "dress", "drink", "drive", "early", "earth", "east", "effect",
        "eight", "either", "energy", "engine", "enough", "enter", "equal", "even", "evening", "event", "exact", "example", "except",
        "expect", "family", "famous", "farmer", "father", "feather", "field", "figure", "final", "finger", "finish", "flower", "follow",
        "force", "forest", "forget", "former", "forward", "friend", "front", "fruit", "garden", "gather", "gentle", "glass", "golden",
        "govern", "grass", "great", "green", "ground", "group", "guess", "half", "happen", "harbor", "heavy", "history", "hollow",
        "horse", "hunger", "island", "journey", "kitchen", "ladder", "laugh", "leader", "letter", "light", "listen", "little", "market",
        "matter", "meadow", "member", "middle", "minute", "mirror", "modern", "moment", "morning", "mother", "motion", "mountain",
        "music", "narrow", "nation", "nature", "neighbor", "number", "object", "ocean", "office", "orange", "paper", "parent", "pattern",
        "pencil", "people", "period", "picture", "planet", "pleasure", "pocket", "point", "powder", "present", "pretty", "problem",
    ];

    /// <summary>Returns <paramref name="count"/> domains of a family for the given day; the same inputs give the same names.</summary>
    public static IReadOnlyList<string> Generate(string family, DateOnly day, int count) => family switch
    {
        "uniform-letters" => UniformLetters(day, count),
        "date-xorshift" => DateXorshift(day, count),
        "seed-mutation" => SeedMutation(day, count),
        "md5-letters" => Md5Letters(day, count),
        "word-pairs" => WordPairs(day, count),
        "consonant-vowel" => ConsonantVowel(day, count),
        _ => throw new ArgumentException($"Unknown DGA family '{family}'; use one of {string.Join(", ", Families.Select(item => item.Name))}.", nameof(family)),
    };

    private static List<string> UniformLetters(DateOnly day, int count)
    {
        var state = Seed(day, 0x5DEECE66DUL);
        var names = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var length = 4 + (int)(Next(ref state) % 7);
            var builder = new StringBuilder(length + 5);
            for (var j = 0; j < length; j++)
            {
                builder.Append((char)('a' + (int)(Next(ref state) % 26)));
            }

            names.Add(builder.Append('.').Append(ConfickerTlds[Next(ref state) % (ulong)ConfickerTlds.Length]).ToString());
        }

        return names;
    }

    private static List<string> DateXorshift(DateOnly day, int count)
    {
        var names = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            // Each domain starts from the date and its index; three words are mixed by shifts and xors.
            uint year = (uint)(day.Year + i), month = (uint)(day.Month * 7919 + i), date = (uint)(day.Day * 104729 + i);
            var length = 12 + (int)((year ^ month ^ date) % 4);
            var builder = new StringBuilder(length + 6);
            for (var j = 0; j < length; j++)
            {
                year = ((year ^ (year << 3)) >> 11) ^ ((year & 0xFFFFFFF0u) << 17);
                month = ((month ^ (month << 2)) >> 25) ^ ((month & 0xFFFFFFF8u) << 4);
                date = ((date ^ (date << 13)) >> 19) ^ ((date & 0xFFFFFFFEu) << 12);
                builder.Append((char)('a' + (int)((year ^ month ^ date) % 25)));
            }

            names.Add(builder.Append('.').Append(LockerTlds[i % LockerTlds.Length]).ToString());
        }

        return names;
    }

    private static List<string> SeedMutation(DateOnly day, int count)
    {
        var names = new List<string>(count);
        var current = SeedNames[day.DayNumber % SeedNames.Length].ToCharArray();
        for (var i = 0; i < count; i++)
        {
            // Shift the first four letters by amounts that depend on the letters themselves.
            var a = current[0] - 'a';
            var b = current[1] - 'a';
            var c = current[2] - 'a';
            var d = current[3] - 'a';
            current[0] = (char)('a' + ((a + d + 7) % 26));
            current[1] = (char)('a' + ((b + (2 * a) + 3) % 26));
            current[2] = (char)('a' + ((c + b + 11) % 26));
            current[3] = (char)('a' + ((d + (3 * c) + 5) % 26));
            names.Add(new string(current) + ".com");
        }

        return names;
    }

    private static List<string> Md5Letters(DateOnly day, int count)
    {
        var names = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var hash = MD5.HashData(Encoding.ASCII.GetBytes($"{day:yyyyMMdd}-{i}"));
            var length = 12 + (hash[15] % 13);
            var builder = new StringBuilder(length + 6);
            for (var j = 0; j < length; j++)
            {
                var value = hash[j % 16] >> (j / 16 * 4);
                builder.Append((char)('a' + ((value + j) % 26)));
            }

            names.Add(builder.Append('.').Append(ZeusTlds[hash[14] % ZeusTlds.Length]).ToString());
        }

        return names;
    }

    private static List<string> WordPairs(DateOnly day, int count)
    {
        var state = Seed(day, 0x9E3779B97F4A7C15UL);
        var names = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var first = Words[Next(ref state) % (ulong)Words.Length];
            var second = Words[Next(ref state) % (ulong)Words.Length];
            names.Add($"{first}{second}.{WordTlds[Next(ref state) % (ulong)WordTlds.Length]}");
        }

        return names;
    }

    private static List<string> ConsonantVowel(DateOnly day, int count)
    {
        const string consonants = "bcdfghjklmnpqrstvwxz";
        const string vowels = "aeiouy";
        var state = Seed(day, 0xC2B2AE3D27D4EB4FUL);
        var names = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var length = 8 + (int)(Next(ref state) % 5);
            var builder = new StringBuilder(length + 5);
            for (var j = 0; j < length; j++)
            {
                builder.Append(j % 2 == 0 ? consonants[(int)(Next(ref state) % 20)] : vowels[(int)(Next(ref state) % 6)]);
            }

            names.Add(builder.Append(i % 2 == 0 ? ".com" : ".net").ToString());
        }

        return names;
    }

    private static ulong Seed(DateOnly day, ulong salt) => ((ulong)day.DayNumber * 0x2545F4914F6CDD1DUL) ^ salt;

    /// <summary>Returns the next value of a xorshift64* generator.</summary>
    private static ulong Next(ref ulong state)
    {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        return (state * 0x2545F4914F6CDD1DUL) >> 11;
    }
}
