// Who a token says a user is. JWT bearer tokens signed HS256 (a shared secret) or RS256 (checked against an RSA public
// key), keys from the config's files or the environment, never the command line; a token's "sub" names a configured
// web account. The same TokenValidationParameters serve ASP.NET Core's JwtBearer handler (REST, and a WebSocket
// upgrade that carries an Authorization header) and a WebSocket's "auth" message. Tokens and keys are never logged.
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.Web;

public sealed class WebAuth
{
    public const string Hs256KeyVariable = "EXCHANGE_WEB_JWT_HS256_KEY";
    public const string Rs256KeyVariable = "EXCHANGE_WEB_JWT_RS256_PUBLIC_KEY";
    private static readonly TimeSpan DevTokenLifetime = TimeSpan.FromHours(8);

    private readonly Dictionary<string, WebAccount> _bySubject;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly SymmetricSecurityKey? _hs256;
    private readonly JwtConfig _jwt;

    public WebAuth(WebConfig config, Action<string> log)
    {
        _jwt = config.Jwt;
        _bySubject = config.Accounts.ToDictionary(a => a.Subject, StringComparer.Ordinal);
        var keys = new List<SecurityKey>();

        byte[]? secret = Environment.GetEnvironmentVariable(Hs256KeyVariable) is { Length: > 0 } fromEnvironment
            ? Encoding.UTF8.GetBytes(fromEnvironment)
            : config.Jwt.Hs256KeyFile is { } file ? ReadSecret(file) : null;
        if (secret == null && config.DevTokens)
        {
            secret = RandomNumberGenerator.GetBytes(32);
            log("dev tokens: no HS256 key configured, signing with a key made for this run");
        }
        if (secret != null)
        {
            if (secret.Length < 32) throw new WebConfigException("the HS256 key must be at least 32 bytes (256 bits)");
            _hs256 = new SymmetricSecurityKey(secret) { KeyId = "hs256" };
            keys.Add(_hs256);
        }

        string? pem = Environment.GetEnvironmentVariable(Rs256KeyVariable) is { Length: > 0 } pemFromEnvironment ? pemFromEnvironment
            : config.Jwt.Rs256PublicKeyFile is { } pemFile ? ReadText(pemFile) : null;
        if (pem != null)
        {
            var rsa = RSA.Create();
            try { rsa.ImportFromPem(pem); }
            catch (ArgumentException) { throw new WebConfigException("the RS256 public key is not an RSA key in PEM form"); }
            if (rsa.KeySize < 2048) throw new WebConfigException("the RS256 public key must be at least 2048 bits");
            keys.Add(new RsaSecurityKey(rsa) { KeyId = "rs256" });
        }

        Enabled = keys.Count > 0;
        Parameters = new TokenValidationParameters
        {
            IssuerSigningKeys = keys,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.RsaSha256],
            ValidateIssuer = _jwt.Issuer != null,
            ValidIssuer = _jwt.Issuer,
            ValidateAudience = _jwt.Audience != null,
            ValidAudience = _jwt.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            NameClaimType = "sub",
            // A key id is not required: the few configured keys are each tried.
            TryAllIssuerSigningKeys = true,
        };
    }

    /// <summary>Whether any key is configured: without one no token is accepted and only public channels work.</summary>
    public bool Enabled { get; }
    public TokenValidationParameters Parameters { get; }
    public bool CanIssue => _hs256 != null;

    public WebAccount? AccountOf(string? subject) => subject != null && _bySubject.TryGetValue(subject, out var a) ? a : null;

    /// <summary>The account a token proves, or null and why (never the token itself).</summary>
    public async Task<(WebAccount? Account, string? Problem)> Validate(string token)
    {
        if (!Enabled) return (null, "no token keys are configured on this server: only public channels are available");
        var result = await _handler.ValidateTokenAsync(token, Parameters);
        if (!result.IsValid)
            return (null, result.Exception switch
            {
                SecurityTokenExpiredException => "token expired",
                SecurityTokenNotYetValidException => "token not yet valid",
                SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => "token signature does not verify",
                SecurityTokenInvalidAlgorithmException => "token algorithm is not HS256 or RS256",
                SecurityTokenInvalidIssuerException => "token issuer is not accepted",
                SecurityTokenInvalidAudienceException => "token audience is not accepted",
                SecurityTokenNoExpirationException => "token has no expiry",
                _ => "token is not a valid JWT",
            });
        string? subject = result.Claims.TryGetValue("sub", out var sub) ? sub as string : null;
        return AccountOf(subject) is { } account ? (account, null) : (null, "the token's subject is not a web account here");
    }

    /// <summary>A dev-mode token for a configured subject, HS256-signed.</summary>
    public (string Token, DateTimeOffset Expires) Issue(string subject)
    {
        var expires = DateTimeOffset.UtcNow + DevTokenLifetime;
        var descriptor = new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object> { ["sub"] = subject },
            Expires = expires.UtcDateTime,
            IssuedAt = DateTime.UtcNow,
            NotBefore = DateTime.UtcNow,
            Issuer = _jwt.Issuer,
            Audience = _jwt.Audience,
            SigningCredentials = new SigningCredentials(_hs256!, SecurityAlgorithms.HmacSha256),
        };
        return (_handler.CreateToken(descriptor), expires);
    }

    private static byte[] ReadSecret(string path)
    {
        byte[] bytes = ReadBytes(path);
        int end = bytes.Length;
        while (end > 0 && bytes[end - 1] is (byte)'\n' or (byte)'\r') end--;
        return bytes[..end];
    }

    private static string ReadText(string path) => Encoding.UTF8.GetString(ReadBytes(path));

    private static byte[] ReadBytes(string path)
    {
        try { return File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new WebConfigException($"cannot read key file {path}: {e.Message}"); }
    }
}
