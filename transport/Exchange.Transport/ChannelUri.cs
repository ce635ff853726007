// Aeron channel URIs as operators write them: aeron:udp?endpoint=host:port|mtu=1408|term-length=64k, and
// aeron:ipc?name=engine-1|term-length=1m for processes on one host (IpcLog).
// Parsed once at start-up (allocation is fine here); every error is one line that names the offending part.
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Exchange.Transport;

/// <summary>A host (name, IPv4, or IPv6 without brackets) and a port.</summary>
public sealed record ChannelEndpoint(string Host, int Port)
{
    public bool IsIPv6 => Host.Contains(':');
    public override string ToString() => IsIPv6 ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}

/// <summary>A local interface to bind to: a host, an optional port, and an optional subnet prefix length.</summary>
public sealed record ChannelInterface(string Host, int? Port, int? PrefixLength);

public sealed record ChannelUri
{
    public const string Prefix = "aeron:";

    private readonly ChannelEndpoint? _endpoint;

    /// <summary>A udp channel's endpoint; an ipc channel has none (asking is a programming error and throws).</summary>
    public ChannelEndpoint Endpoint
    {
        get => _endpoint ?? throw new InvalidOperationException("an ipc channel has no endpoint");
        init => _endpoint = value;
    }
    /// <summary>An aeron:ipc channel: its streams are shared-memory logs in the transport's IPC directory, under <see cref="IpcName"/>.</summary>
    public bool IsIpc => IpcName != null;
    /// <summary>An ipc channel's name (its directory under <see cref="TransportOptions.IpcDirectory"/>); null for udp.</summary>
    public string? IpcName { get; init; }
    public ChannelEndpoint? Control { get; init; }
    public ChannelInterface? Interface { get; init; }
    public int Mtu { get; init; } = Framing.DefaultMtu;
    public int TermLength { get; init; } = TermPosition.DefaultTermLength;
    public int? Ttl { get; init; }
    public int? SessionId { get; init; }
    public long? LingerNanoseconds { get; init; }
    public int? ReceiverWindow { get; init; }
    public int? SocketReceiveBufferLength { get; init; }
    public int? SocketSendBufferLength { get; init; }

    /// <summary>The channel in URI form (what it was parsed from, in a canonical order).</summary>
    public override string ToString()
    {
        var text = new System.Text.StringBuilder(IsIpc ? $"aeron:ipc?name={IpcName}" : $"aeron:udp?endpoint={Endpoint}");
        if (Control != null) text.Append($"|control={Control}");
        if (Mtu != Framing.DefaultMtu) text.Append($"|mtu={Mtu}");
        if (TermLength != TermPosition.DefaultTermLength) text.Append($"|term-length={TermLength}");
        if (SessionId != null) text.Append($"|session-id={SessionId}");
        if (LingerNanoseconds != null) text.Append($"|linger={LingerNanoseconds}");
        return text.ToString();
    }

    /// <summary>Parses <paramref name="text"/> or throws <see cref="FormatException"/> with the one-line reason.</summary>
    public static ChannelUri Parse(string text) =>
        TryParse(text, out var uri, out string error) ? uri : throw new FormatException(error);

    public static bool TryParse(string text, [NotNullWhen(true)] out ChannelUri? uri, out string error)
    {
        uri = null;
        error = Build(text, ref uri) ?? "";
        return error.Length == 0;
    }

    private static string? Build(string text, ref ChannelUri? uri)
    {
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
            return $"channel '{text}' must start with '{Prefix}'";
        string rest = text[Prefix.Length..];
        int query = rest.IndexOf('?');
        string media = query < 0 ? rest : rest[..query];
        if (media != "udp" && media != "ipc")
            return media.Length == 0 ? $"channel '{text}' has no media; expected 'aeron:udp' or 'aeron:ipc'" : $"unsupported media '{media}'; 'udp' and 'ipc' are supported";
        bool ipc = media == "ipc";
        string? name = null;

        ChannelEndpoint? endpoint = null, control = null;
        ChannelInterface? networkInterface = null;
        int mtu = Framing.DefaultMtu, termLength = TermPosition.DefaultTermLength;
        int? ttl = null, sessionId = null, receiverWindow = null, soRcvbuf = null, soSndbuf = null;
        long? linger = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);

        string parameters = query < 0 ? "" : rest[(query + 1)..];
        foreach (string pair in parameters.Length == 0 ? [] : parameters.Split('|'))
        {
            int equals = pair.IndexOf('=');
            if (equals <= 0) return $"parameter '{pair}' must be key=value";
            string key = pair[..equals], value = pair[(equals + 1)..];
            if (value.Length == 0) return $"parameter '{key}' has an empty value";
            if (!seen.Add(key)) return $"parameter '{key}' is given more than once";
            if (ipc && key is not ("name" or "mtu" or "term-length" or "session-id" or "linger"))
                return key is "endpoint" or "control" or "interface" or "ttl" or "rcv-wnd" or "so-rcvbuf" or "so-sndbuf"
                    ? $"parameter '{key}' does not apply to an ipc channel" : $"unknown parameter '{key}'";
            string? problem = key switch
            {
                "name" when ipc => ParseIpcName(value, out name),
                "endpoint" => ParseEndpoint(key, value, out endpoint),
                "control" => ParseEndpoint(key, value, out control),
                "interface" => ParseInterface(value, out networkInterface),
                "mtu" => ParseMtu(value, out mtu),
                "term-length" => ParseTermLength(value, out termLength),
                "ttl" => ParseTtl(value, out ttl),
                "session-id" => ParseInt32(key, value, out sessionId),
                "linger" => ParseDuration(key, value, out linger),
                "rcv-wnd" => ParseSize(key, value, out receiverWindow),
                "so-rcvbuf" => ParseSize(key, value, out soRcvbuf),
                "so-sndbuf" => ParseSize(key, value, out soSndbuf),
                _ => $"unknown parameter '{key}'",
            };
            if (problem != null) return problem;
        }

        if (ipc)
        {
            uri = new ChannelUri
            {
                IpcName = name ?? DefaultIpcName, Mtu = mtu, TermLength = termLength, SessionId = sessionId, LingerNanoseconds = linger,
            };
            return null;
        }
        if (endpoint == null) return $"channel '{text}' has no endpoint; a unicast udp channel needs endpoint=host:port";
        uri = new ChannelUri
        {
            Endpoint = endpoint, Control = control, Interface = networkInterface, Mtu = mtu, TermLength = termLength,
            Ttl = ttl, SessionId = sessionId, LingerNanoseconds = linger, ReceiverWindow = receiverWindow,
            SocketReceiveBufferLength = soRcvbuf, SocketSendBufferLength = soSndbuf,
        };
        return null;
    }

    private static string? ParseEndpoint(string key, string value, out ChannelEndpoint? endpoint)
    {
        endpoint = null;
        string? problem = SplitHostPort(key, value, out string host, out string? port);
        if (problem != null) return problem;
        if (port == null) return $"{key} '{value}' needs a port (host:port)";
        if (!TryParsePort(port, out int portNumber)) return $"{key} '{value}' has bad port '{port}' (0..65535)";
        endpoint = new ChannelEndpoint(host, portNumber);
        return null;
    }

    /// <summary>The name an aeron:ipc channel without one has.</summary>
    public const string DefaultIpcName = "default";

    /// <summary>An ipc channel's name becomes a directory name: letters, digits, '.', '_' and '-', not starting with '.', at most 64.</summary>
    private static string? ParseIpcName(string value, out string? name)
    {
        name = null;
        if (value.Length > 64) return $"ipc name '{value}' is longer than 64 characters";
        if (value[0] == '.') return $"ipc name '{value}' starts with '.'";
        foreach (char c in value)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')) return $"ipc name '{value}' has '{c}'; use letters, digits, '.', '_' and '-'";
        name = value;
        return null;
    }

    private static string? ParseInterface(string value, out ChannelInterface? networkInterface)
    {
        networkInterface = null;
        int? prefixLength = null;
        string address = value;
        int slash = value.LastIndexOf('/');
        if (slash >= 0)
        {
            address = value[..slash];
            if (!int.TryParse(value.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int bits) || bits > 128)
                return $"interface '{value}' has bad subnet prefix '{value[(slash + 1)..]}'";
            prefixLength = bits;
        }
        string? problem = SplitHostPort("interface", address, out string host, out string? port);
        if (problem != null) return problem;
        int? portNumber = null;
        if (port != null)
        {
            if (!TryParsePort(port, out int parsed)) return $"interface '{value}' has bad port '{port}' (0..65535)";
            portNumber = parsed;
        }
        if (prefixLength > 32 && !host.Contains(':')) return $"interface '{value}' has subnet prefix /{prefixLength} longer than an IPv4 address";
        networkInterface = new ChannelInterface(host, portNumber, prefixLength);
        return null;
    }

    /// <summary>Splits host[:port]; an IPv6 host must be bracketed, since its colons would otherwise be ambiguous.</summary>
    private static string? SplitHostPort(string key, string value, out string host, out string? port)
    {
        host = "";
        port = null;
        if (value.StartsWith('['))
        {
            int close = value.IndexOf(']');
            if (close < 0) return $"{key} '{value}' has '[' without a closing ']'";
            host = value[1..close];
            if (!IPAddress.TryParse(host, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
                return $"{key} '{value}' has bad IPv6 address '{host}'";
            string after = value[(close + 1)..];
            if (after.Length == 0) return null;
            if (after[0] != ':') return $"{key} '{value}' has unexpected '{after}' after ']'";
            port = after[1..];
            return null;
        }
        int colon = value.IndexOf(':');
        if (colon >= 0 && value.IndexOf(':', colon + 1) >= 0)
            return $"{key} '{value}' looks like an IPv6 address; write it in brackets, e.g. [::1]:40123";
        host = colon < 0 ? value : value[..colon];
        port = colon < 0 ? null : value[(colon + 1)..];
        if (!IsValidHost(host)) return $"{key} '{value}' has bad host '{host}'";
        return null;
    }

    private static bool IsValidHost(string host)
    {
        if (host.Length == 0 || host.Length > 253) return false;
        foreach (char c in host)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_')) return false;
        // All digits and dots is meant as IPv4, so it must be one (999.1.1.1 is a typo, not a host name).
        bool numeric = host.All(c => char.IsAsciiDigit(c) || c == '.');
        return !numeric || (IPAddress.TryParse(host, out var address) && address.AddressFamily == AddressFamily.InterNetwork && host.Count(c => c == '.') == 3);
    }

    private static bool TryParsePort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535;

    private static string? ParseMtu(string value, out int mtu)
    {
        mtu = 0;
        string? problem = ParseSizeValue("mtu", value, out long bytes);
        if (problem != null) return problem;
        if (bytes < Framing.MinMtu || bytes > Framing.MaxMtu || !Framing.IsAligned((int)bytes))
            return $"mtu {bytes} is out of range: it must be a multiple of {Framing.Alignment} from {Framing.MinMtu} to {Framing.MaxMtu}";
        mtu = (int)bytes;
        return null;
    }

    private static string? ParseTermLength(string value, out int termLength)
    {
        termLength = 0;
        string? problem = ParseSizeValue("term-length", value, out long bytes);
        if (problem != null) return problem;
        if (bytes < TermPosition.MinTermLength || bytes > TermPosition.MaxTermLength)
            return $"term-length {bytes} is out of range: it must be from 64k to 1g";
        if (!TermPosition.IsValidTermLength((int)bytes)) return $"term-length {bytes} is not a power of two";
        termLength = (int)bytes;
        return null;
    }

    private static string? ParseTtl(string value, out int? ttl)
    {
        ttl = null;
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int parsed))
            return $"ttl '{value}' is not a number";
        if (parsed > 255) return $"ttl {parsed} is out of range (0..255)";
        ttl = parsed;
        return null;
    }

    private static string? ParseInt32(string key, string value, out int? result)
    {
        result = null;
        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int parsed))
            return $"{key} '{value}' is not a 32-bit integer";
        result = parsed;
        return null;
    }

    private static string? ParseSize(string key, string value, out int? result)
    {
        result = null;
        string? problem = ParseSizeValue(key, value, out long bytes);
        if (problem != null) return problem;
        if (bytes > int.MaxValue) return $"{key} {bytes} is too large (at most {int.MaxValue} bytes)";
        result = (int)bytes;
        return null;
    }

    /// <summary>A byte count with an optional k, m or g suffix (binary multiples, either case), as Aeron reads sizes.</summary>
    private static string? ParseSizeValue(string key, string value, out long bytes)
    {
        bytes = 0;
        char last = value[^1];
        long multiplier = 1;
        string digits = value;
        if (!char.IsAsciiDigit(last))
        {
            multiplier = char.ToLowerInvariant(last) switch { 'k' => 1L << 10, 'm' => 1L << 20, 'g' => 1L << 30, _ => 0 };
            if (multiplier == 0) return $"{key} '{value}' has bad suffix '{last}'; use k, m or g";
            digits = value[..^1];
        }
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long number) || number > (long.MaxValue >> 30))
            return $"{key} '{value}' is not a number";
        bytes = number * multiplier;
        return null;
    }

    /// <summary>A duration in nanoseconds, or with an ns, us, ms or s suffix, as Aeron reads durations.</summary>
    private static string? ParseDuration(string key, string value, out long? nanoseconds)
    {
        nanoseconds = null;
        int digitsEnd = 0;
        while (digitsEnd < value.Length && char.IsAsciiDigit(value[digitsEnd])) digitsEnd++;
        string suffix = value[digitsEnd..];
        long multiplier = suffix.ToLowerInvariant() switch { "" or "ns" => 1, "us" => 1_000, "ms" => 1_000_000, "s" => 1_000_000_000, _ => 0 };
        if (digitsEnd == 0) return $"{key} '{value}' is not a number";
        if (multiplier == 0) return $"{key} '{value}' has bad suffix '{suffix}'; use ns, us, ms or s";
        if (!long.TryParse(value.AsSpan(0, digitsEnd), NumberStyles.None, CultureInfo.InvariantCulture, out long number) || number > long.MaxValue / multiplier)
            return $"{key} '{value}' is too large";
        nanoseconds = number * multiplier;
        return null;
    }
}
