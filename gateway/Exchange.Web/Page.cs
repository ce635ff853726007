// The trading page, embedded in the executable: Page/*.{html,js,css} and TradingView's lightweight-charts, fetched
// from npm by the build at a pinned version (see the project file) and served from here, never from a CDN.
using System.Reflection;

namespace Exchange.Web;

public static class Page
{
    private static readonly Dictionary<string, string> Types = new(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8", [".js"] = "text/javascript; charset=utf-8", [".css"] = "text/css; charset=utf-8",
    };

    public static void Map(WebApplication app)
    {
        var assembly = typeof(Page).Assembly;
        foreach (string resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith("page/", StringComparison.Ordinal)) continue;
            string name = resource["page/".Length..];
            byte[] bytes = Read(assembly, resource);
            string type = Types.GetValueOrDefault(Path.GetExtension(name), "application/octet-stream");
            IResult Serve(HttpContext ctx)
            {
                ctx.Response.Headers.CacheControl = "no-cache";
                ctx.Response.Headers["X-Content-Type-Options"] = "nosniff";
                ctx.Response.Headers["Content-Security-Policy"] = "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'";
                return Results.Bytes(bytes, type);
            }
            app.MapGet($"/{name}", Serve);
            if (name == "index.html") app.MapGet("/", Serve);
        }
    }

    private static byte[] Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
