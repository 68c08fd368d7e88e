using System.Security.Cryptography;

namespace Vigil.Console.Administration;

/// <summary>Generates the one-time passwords that creating a user or resetting a password shows to the admin.</summary>
internal static class ConsolePasswords
{
    // No look-alike characters (0/O, 1/l/I), so the password can be read out or typed from a screen.
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    /// <summary>Returns 20 random characters: about 116 bits.</summary>
    public static string Generate() => RandomNumberGenerator.GetString(Alphabet, 20);
}
