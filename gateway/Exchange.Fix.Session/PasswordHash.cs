// A session's password as the settings keep it: PBKDF2 with SHA-256 (.NET's Rfc2898DeriveBytes.Pbkdf2), salted, slow on
// purpose, written "pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>". The password itself is never stored.
using System.Security.Cryptography;

namespace Exchange.Fix.Session;

public sealed class PasswordHash
{
    public const string Scheme = "pbkdf2-sha256";
    /// <summary>What `exchange-gateway hash-password` uses: OWASP's recommendation for PBKDF2-HMAC-SHA256.</summary>
    public const int DefaultIterations = 600_000;
    /// <summary>Fewer would make a guess too cheap; more than the maximum would let one Logon hold a core for long.</summary>
    public const int MinIterations = 10_000;
    public const int MaxIterations = 10_000_000;
    public const int SaltLength = 16;
    public const int HashLength = 32;

    private readonly byte[] _salt;
    private readonly byte[] _hash;

    private PasswordHash(int iterations, byte[] salt, byte[] hash)
    {
        Iterations = iterations;
        _salt = salt;
        _hash = hash;
    }

    public int Iterations { get; }

    /// <summary>Hashes <paramref name="password"/> (UTF-8) with a fresh random salt.</summary>
    public static PasswordHash Create(ReadOnlySpan<byte> password, int iterations = DefaultIterations)
    {
        if (iterations is < MinIterations or > MaxIterations)
            throw new ArgumentOutOfRangeException(nameof(iterations), $"iterations must be within {MinIterations}..{MaxIterations}");
        byte[] salt = RandomNumberGenerator.GetBytes(SaltLength);
        byte[] hash = new byte[HashLength];
        Rfc2898DeriveBytes.Pbkdf2(password, salt, hash, iterations, HashAlgorithmName.SHA256);
        return new PasswordHash(iterations, salt, hash);
    }

    /// <summary>Reads the settings' form; false, with why (never quoting the value), when it is not one.</summary>
    public static bool TryParse(string text, out PasswordHash? hash, out string problem)
    {
        hash = null;
        string[] parts = text.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme)
        {
            problem = $"must be {Scheme}$<iterations>$<salt base64>$<hash base64> (make one with: exchange-gateway hash-password)";
            return false;
        }
        if (!int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int iterations)
            || iterations is < MinIterations or > MaxIterations)
        {
            problem = $"iterations must be an integer within {MinIterations}..{MaxIterations}";
            return false;
        }
        byte[] salt, value;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            value = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            problem = "salt and hash must be base64";
            return false;
        }
        if (salt.Length < SaltLength || value.Length != HashLength)
        {
            problem = $"the salt must have at least {SaltLength} bytes and the hash {HashLength}";
            return false;
        }
        hash = new PasswordHash(iterations, salt, value);
        problem = "";
        return true;
    }

    /// <summary>Whether <paramref name="password"/> hashes to this, compared in constant time. Slow by design
    /// (<see cref="Iterations"/> rounds): call it off the acceptor's thread.</summary>
    public bool Verify(ReadOnlySpan<byte> password)
    {
        Span<byte> candidate = stackalloc byte[HashLength];
        Rfc2898DeriveBytes.Pbkdf2(password, _salt, candidate, Iterations, HashAlgorithmName.SHA256);
        bool match = CryptographicOperations.FixedTimeEquals(candidate, _hash);
        CryptographicOperations.ZeroMemory(candidate);
        return match;
    }

    public override string ToString() => $"{Scheme}${Iterations}${Convert.ToBase64String(_salt)}${Convert.ToBase64String(_hash)}";
}
