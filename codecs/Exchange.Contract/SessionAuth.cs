// The binary protocol's authentication, shared by the engine and its clients: the key id a LogonRequest names (never
// the secret), the proof a LogonProof carries, the session key both sides derive from the handshake, and the trailer
// (sequence and truncated MAC) every later message of an authenticated session carries. codecs/README.md describes the
// wire; SECURITY.md what it protects against. Sealing and opening a message allocate nothing.
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Exchange.Contract;

public static class SessionAuth
{
    public const int NonceLength = 32;
    public const int ProofLength = 32;
    public const int SessionKeyLength = 32;
    /// <summary>HMAC-SHA256 truncated to 128 bits.</summary>
    public const int MacLength = 16;
    public const int SequenceLength = 8;
    /// <summary>What follows the SBE message of an authenticated session: sequence (uint64 LE), then MAC.</summary>
    public const int TrailerLength = SequenceLength + MacLength;

    private static ReadOnlySpan<byte> KeyIdLabel => "exchange key id v1\0"u8;
    private static ReadOnlySpan<byte> ProofLabel => "exchange logon proof v1\0"u8;
    private static ReadOnlySpan<byte> SessionKeyLabel => "exchange session key v1"u8;

    /// <summary>The public name of a secret: "k" and 32 hex digits of SHA-256 over a label and the secret. It tells an
    /// observer nothing a proof does not (both are hashes of the secret), and lets the engine find the key without
    /// the secret ever crossing the network.</summary>
    public static string KeyId(string secret)
    {
        byte[] key = Encoding.UTF8.GetBytes(secret);
        var input = new byte[KeyIdLabel.Length + key.Length];
        KeyIdLabel.CopyTo(input);
        key.CopyTo(input, KeyIdLabel.Length);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        return "k" + Convert.ToHexStringLower(hash[..16]);
    }

    /// <summary>The secret as the HMAC key.</summary>
    public static byte[] SecretBytes(string secret) => Encoding.UTF8.GetBytes(secret);

    public static byte[] NewNonce() => RandomNumberGenerator.GetBytes(NonceLength);

    /// <summary>HMAC-SHA256 under the secret over a label, the server nonce and the LogonRequest exactly as sent (so
    /// the key id, the client nonce, the account, heartbeat, cancel-on-disconnect and response channel are all bound).</summary>
    public static byte[] Proof(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> serverNonce, ReadOnlySpan<byte> logonRequest)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
        hmac.AppendData(ProofLabel);
        hmac.AppendData(serverNonce);
        hmac.AppendData(logonRequest);
        return hmac.GetHashAndReset();
    }

    /// <summary>Whether <paramref name="proof"/> is the proof of this handshake, compared in constant time.</summary>
    public static bool VerifyProof(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> serverNonce, ReadOnlySpan<byte> logonRequest, ReadOnlySpan<byte> proof) =>
        proof.Length == ProofLength && CryptographicOperations.FixedTimeEquals(Proof(secret, serverNonce, logonRequest), proof);

    /// <summary>The session key: HKDF-SHA256 of the secret, salted with both nonces (fresh on each side, so no two
    /// sessions share a key, and a replayed handshake cannot yield one).</summary>
    public static byte[] SessionKey(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> clientNonce, ReadOnlySpan<byte> serverNonce)
    {
        var salt = new byte[clientNonce.Length + serverNonce.Length];
        clientNonce.CopyTo(salt);
        serverNonce.CopyTo(salt.AsSpan(clientNonce.Length));
        var key = new byte[SessionKeyLength];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, key, salt, SessionKeyLabel);
        return key;
    }

    /// <summary>Appends the trailer to the message in <paramref name="buffer"/>[..<paramref name="length"/>]: the
    /// sequence, then the MAC over the message and the sequence. Returns the length with the trailer. The buffer must
    /// have <see cref="TrailerLength"/> bytes free after the message.</summary>
    public static int Seal(ReadOnlySpan<byte> sessionKey, Span<byte> buffer, int length, ulong sequence)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(buffer.Slice(length, SequenceLength), sequence);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(sessionKey, buffer[..(length + SequenceLength)], mac);
        mac[..MacLength].CopyTo(buffer.Slice(length + SequenceLength, MacLength));
        return length + TrailerLength;
    }

    /// <summary>Checks a sealed message's MAC (in constant time) and gives its sequence and the length of the SBE
    /// message before the trailer. False, with nothing else said, for a message too short or whose MAC is wrong.</summary>
    public static bool Open(ReadOnlySpan<byte> sessionKey, ReadOnlySpan<byte> sealedMessage, out ulong sequence, out int messageLength)
    {
        sequence = 0;
        messageLength = sealedMessage.Length - TrailerLength;
        if (messageLength < MessageHeaderDecoder.EncodedLength) return false;
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(sessionKey, sealedMessage[..(messageLength + SequenceLength)], mac);
        if (!CryptographicOperations.FixedTimeEquals(mac[..MacLength], sealedMessage[^MacLength..])) return false;
        sequence = BinaryPrimitives.ReadUInt64LittleEndian(sealedMessage.Slice(messageLength, SequenceLength));
        return true;
    }
}

/// <summary>A session's MAC: one HMAC-SHA256 keyed once with the session key and reused for every message, which is
/// 2 to 3 times cheaper than the one-shot <see cref="SessionAuth.Seal"/>/<see cref="SessionAuth.Open"/> (measured in
/// perf/results/2026-12-05-binary-auth) and produces the same trailer. One thread at a time; allocates nothing after
/// construction. Dispose it when the session ends.</summary>
public sealed class SessionMac(byte[] sessionKey) : IDisposable
{
    private readonly IncrementalHash _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, sessionKey);

    /// <summary>As <see cref="SessionAuth.Seal"/>.</summary>
    public int Seal(Span<byte> buffer, int length, ulong sequence)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(buffer.Slice(length, SessionAuth.SequenceLength), sequence);
        Span<byte> mac = stackalloc byte[32];
        _hmac.AppendData(buffer[..(length + SessionAuth.SequenceLength)]);
        _hmac.TryGetHashAndReset(mac, out _);
        mac[..SessionAuth.MacLength].CopyTo(buffer.Slice(length + SessionAuth.SequenceLength, SessionAuth.MacLength));
        return length + SessionAuth.TrailerLength;
    }

    /// <summary>As <see cref="SessionAuth.Open"/>.</summary>
    public bool Open(ReadOnlySpan<byte> sealedMessage, out ulong sequence, out int messageLength)
    {
        sequence = 0;
        messageLength = sealedMessage.Length - SessionAuth.TrailerLength;
        if (messageLength < MessageHeaderDecoder.EncodedLength) return false;
        Span<byte> mac = stackalloc byte[32];
        _hmac.AppendData(sealedMessage[..(messageLength + SessionAuth.SequenceLength)]);
        _hmac.TryGetHashAndReset(mac, out _);
        if (!CryptographicOperations.FixedTimeEquals(mac[..SessionAuth.MacLength], sealedMessage[^SessionAuth.MacLength..])) return false;
        sequence = BinaryPrimitives.ReadUInt64LittleEndian(sealedMessage.Slice(messageLength, SessionAuth.SequenceLength));
        return true;
    }

    public void Dispose() => _hmac.Dispose();
}
