// JWTs as an identity provider would issue them, signed HS256 with the test secret or RS256 with the test key pair.
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.Web.Tests;

public static class Tokens
{
    private static readonly JsonWebTokenHandler Handler = new();

    public static string Hs256(string subject, TimeSpan? lifetime = null, string secret = WebProcesses.Hs256Secret) =>
        Create(subject, new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256), lifetime);

    public static string Rs256(string subject, TimeSpan? lifetime = null) =>
        Create(subject, new SigningCredentials(new RsaSecurityKey(WebProcesses.Rsa), SecurityAlgorithms.RsaSha256), lifetime);

    private static string Create(string subject, SigningCredentials credentials, TimeSpan? lifetime)
    {
        var now = DateTime.UtcNow;
        var life = lifetime ?? TimeSpan.FromMinutes(10);
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object> { ["sub"] = subject },
            IssuedAt = life < TimeSpan.Zero ? now + life - TimeSpan.FromMinutes(5) : now,
            NotBefore = life < TimeSpan.Zero ? now + life - TimeSpan.FromMinutes(5) : now,
            Expires = now + life,
            SigningCredentials = credentials,
        });
    }

    /// <summary>An unsigned token ("alg": "none"), which must never be accepted.</summary>
    public static string Unsigned(string subject)
    {
        static string B64(string s) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(s));
        long exp = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
        return $"{B64("{\"alg\":\"none\",\"typ\":\"JWT\"}")}.{B64($"{{\"sub\":\"{subject}\",\"exp\":{exp}}}")}.";
    }
}
