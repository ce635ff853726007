// The HTTP side: Kestrel (CreateSlimBuilder, native AOT) serving the page, REST snapshots and the WebSocket at /ws,
// with connection admission, per-address REST rate limits and JWT bearer authentication. It prints
// 'listening url=... port=...' once browsers can connect; SIGTERM or Ctrl-C stops it.
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Exchange.Hosting;

namespace Exchange.Web;

public static class WebHost
{
    public static string Version => typeof(WebHost).Assembly.GetName().Version?.ToString(3) ?? "0";

    /// <summary>Candles: those held in memory, and when they are fewer than asked for, the older ones from the exporter's
    /// PostgreSQL (for the intervals before the oldest held; a database that cannot be reached leaves memory's alone).</summary>
    private static async Task<byte[]?> CandlesWithPostgres(EngineDoor door, PostgresCandles postgres, Log log, string symbol, string interval, int limit)
    {
        if (await door.Query(() => door.CandlesHeld(symbol, interval, limit)) is not { } held) return null;
        if (held.Candles.Count >= limit) return Frames.Candles(held.Symbol, interval, held.Candles);
        long nanos = SymbolMarket.Intervals.First(i => i.Name == interval).Nanos;
        List<Candle> stored;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            stored = await postgres.Newest(held.Symbol.Id, nanos, limit, timeout.Token);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or OperationCanceledException or TimeoutException or System.Net.Sockets.SocketException)
        {
            log.Warn($"candles from PostgreSQL {postgres.Description}: {e.Message}; answering from memory");
            return Frames.Candles(held.Symbol, interval, held.Candles);
        }
        long oldestHeld = held.Candles.Count > 0 ? held.Candles[0].Start : long.MaxValue;
        var merged = stored.Where(c => c.Start < oldestHeld).Concat(held.Candles).ToList();
        return Frames.Candles(held.Symbol, interval, merged.Skip(Math.Max(0, merged.Count - limit)));
    }

    public static async Task<int> Run(WebConfig config)
    {
        // The one logging setup of every process (Exchange.Hosting): text on a terminal, JSON lines elsewhere; ASP.NET
        // Core's own lines (warnings and worse) go through it too.
        using var output = LogOutput.FromEnvironment();
        var log = output.For("exchange-web");
        WebAuth auth;
        try { auth = new WebAuth(config, log); }
        catch (WebConfigException e) { throw new Exchange.Hosting.UsageException(e.Message); }

        PostgresCandles? postgres;
        try { postgres = PostgresCandles.FromEnvironment(); }
        catch (WebConfigException e) { throw new Exchange.Hosting.UsageException(e.Message); }
        if (postgres != null) log.Info($"candles beyond the in-memory window from PostgreSQL {postgres.Description}");
        var door = new EngineDoor(config, log);
        try { door.Start(TimeSpan.FromSeconds(10)); }
        catch (Exception e) when (e is TimeoutException or WebConfigException or ArgumentException)
        {
            log.Error($"cannot connect to the engines: {e.Message}");
            door.Dispose();
            return 1;
        }

        var builder = WebApplication.CreateSlimBuilder();
        // ASP.NET Core logs through the same setup as every other process (JSON lines off a terminal), warnings and up.
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new LogProvider(output)).AddFilter("Microsoft", Microsoft.Extensions.Logging.LogLevel.Warning).SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Warning);
        builder.WebHost.UseUrls(config.Listen);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = 16 * 1024;
            k.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
            k.AddServerHeader = false;
        });
        if (config.Limits.SocketSendBufferBytes > 0)
        {
            // Accepted sockets inherit the listening socket's buffer sizes on Linux.
            int sendBuffer = config.Limits.SocketSendBufferBytes;
            builder.WebHost.UseSockets(o => o.CreateBoundListenSocket = endpoint =>
            {
                var socket = Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
                socket.SendBufferSize = sendBuffer;
                return socket;
            });
        }
        // JwtBearer needs no data protection; an ephemeral provider keeps the framework from writing keys to disk.
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.MapInboundClaims = false;
            o.TokenValidationParameters = auth.Parameters;
        });
        builder.Services.AddAuthorization();
        var limits = config.Limits;
        builder.Services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(ctx => RateLimitPartition.GetTokenBucketLimiter(
                ctx.Connection.RemoteIpAddress?.ToString() ?? "?", _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limits.RestPerSecond * 2, TokensPerPeriod = limits.RestPerSecond, ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0, AutoReplenishment = true,
                }));
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (ctx, cancel) => new ValueTask(WriteError(ctx.HttpContext, 429, "rate_limited",
                $"more than {limits.RestPerSecond} requests per second from this address"));
        });
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, WebJson.Default));

        var app = builder.Build();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20) });

        var orderLimiter = PartitionedRateLimiter.Create<long, long>(account => RateLimitPartition.GetTokenBucketLimiter(account, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = limits.OrderBurst, TokensPerPeriod = limits.OrdersPerSecond, ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0, AutoReplenishment = true,
        }));
        var runner = new ConnectionRunner(door, auth, limits, orderLimiter);
        var admission = new Admission(limits);
        using var counters = WebMetrics.Open(log);
        using var metrics = new WebMetrics(counters, () => admission.Total, () => admission.Refused);
        OperatorEndpoint? operatorEndpoint = null;
        if (config.OperatorListen != null)
        {
            var reader = counters.Path is { } path ? CountersReader.TryOpen(path) : null;
            int sessions = door.SessionCount;
            try
            {
                operatorEndpoint = new OperatorEndpoint(OperatorEndpoint.Parse(config.OperatorListen)!,
                    () => reader == null ? "" : PrometheusText.Format([(reader.ProcessName, Environment.ProcessId, reader.Read())]),
                    () => door.LostSessions is var lost && lost == 0
                        ? (true, $"connected to the engines ({sessions} engine sessions up)")
                        : (false, $"{lost} of {sessions} engine sessions down"));
            }
            catch (System.Net.Sockets.SocketException e)
            {
                log.Error($"cannot listen for operators on {config.OperatorListen}: {e.Message}");
                door.Dispose();
                return 2;
            }
            log.Info($"operator endpoint http://{operatorEndpoint.EndPoint}/ (health, ready, metrics)");
        }
        using var ownedOperatorEndpoint = operatorEndpoint;
        var stopping = app.Lifetime.ApplicationStopping;

        app.Map("/ws", async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                await WriteError(context, 400, "not_websocket", "this path takes WebSocket upgrades only");
                return;
            }
            // A token in the upgrade's Authorization header (non-browser clients) must be valid; browsers send "auth".
            WebAccount? account = null;
            if (context.Request.Headers.Authorization.Count > 0)
            {
                account = context.User.Identity?.IsAuthenticated == true ? auth.AccountOf(context.User.FindFirst("sub")?.Value) : null;
                if (account == null)
                {
                    await WriteError(context, 401, "auth_failed", "the Authorization header's token is not valid for a web account here");
                    return;
                }
            }
            string address = context.Connection.RemoteIpAddress?.ToString() ?? "?";
            if (admission.TryEnter(address) is { } refusal)
            {
                await WriteError(context, 503, "too_many_connections", refusal);
                return;
            }
            try
            {
                using var socket = await context.WebSockets.AcceptWebSocketAsync();
                var connection = new WebConnection(address, limits) { Account = account };
                await runner.Run(socket, connection, Version, stopping);
            }
            finally { admission.Leave(address); }
        });

        var api = app.MapGroup("/api/v1");
        api.MapGet("/symbols", () => Json(Frames.Write("symbols", w => { w.WritePropertyName("symbols"); Frames.SymbolsArray(w, door.Symbols); })));
        api.MapGet("/book/{symbol}", async (string symbol, int? depth) =>
            depth is { } d && Array.IndexOf(Requests.Depths, d) < 0 ? Problem(400, "out_of_range", $"depth must be one of {Requests.DepthChoices} (0: every level)")
            : Found(await door.Query(() => door.BookSnapshot(symbol, depth ?? 20)), symbol));
        api.MapGet("/trades/{symbol}", async (string symbol, int? limit) =>
            limit is < 1 or > 100_000 ? Problem(400, "out_of_range", "limit must be 1..100000")
            : Found(await door.Query(() => door.TradesSnapshot(symbol, limit ?? config.RecentTrades)), symbol));
        api.MapGet("/ticker/{symbol}", async (string symbol) => Found(await door.Query(() => door.TickerSnapshot(symbol)), symbol));
        api.MapGet("/candles/{symbol}", async (string symbol, string? interval, int? limit) =>
            !SymbolMarket.Intervals.Any(i => i.Name == (interval ?? "1m")) ? Problem(400, "invalid_field", "interval must be 1m, 5m or 1h")
            : limit is < 1 or > 100_000 ? Problem(400, "out_of_range", "limit must be 1..100000")
            : postgres == null ? Found(await door.Query(() => door.CandlesSnapshot(symbol, interval ?? "1m", limit ?? 1000)), symbol)
            : Found(await CandlesWithPostgres(door, postgres, log, symbol, interval ?? "1m", limit ?? 1000), symbol));
        api.MapGet("/orders", async (HttpContext ctx) => Account(ctx, auth) is { } a ? Json(await door.Refreshed(a, door.OrdersSnapshot)) : NotAccount())
            .RequireAuthorization();
        api.MapGet("/balances", async (HttpContext ctx) => Account(ctx, auth) is { } a ? Json(await door.Refreshed(a, door.BalancesSnapshot)) : NotAccount())
            .RequireAuthorization();
        api.MapGet("/fills", async (HttpContext ctx) => Account(ctx, auth) is { } a ? Json(await door.Query(() => door.FillsSnapshot(a))) : NotAccount())
            .RequireAuthorization();
        if (config.DevTokens)
        {
            api.MapPost("/dev/token", (DevTokenRequest request) =>
                auth.AccountOf(request.Subject) is { } a && auth.CanIssue
                    ? Results.Json(Issue(auth, a), WebJson.Default.DevTokenAnswer)
                    : Problem(404, "unknown_subject", "not a web account here"));
            log.Warn("dev tokens are ON: POST /api/v1/dev/token issues a token for any configured subject (demo only)");
        }
        api.MapGet("/dev/subjects", () => config.DevTokens
            ? Json(Frames.Write("subjects", w => { w.WriteStartArray("subjects"); foreach (var a in config.Accounts) w.WriteStringValue(a.Subject); w.WriteEndArray(); }))
            : Problem(404, "dev_tokens_off", "dev tokens are off on this server"));
        app.MapGet("/health", () => Results.Text("ok\n"));
        Page.Map(app);

        using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            app.Lifetime.StopApplication();
        });
        try { await app.StartAsync(); }
        catch (IOException e)
        {
            log.Error($"cannot listen on {config.Listen}: {e.Message}");
            door.Dispose();
            return 1;
        }
        string url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        int port = new Uri(url).Port;
        Console.WriteLine($"listening url={url}/ port={port} symbols={door.Symbols.Count} accounts={config.Accounts.Count} auth={(auth.Enabled ? "jwt" : "off")}");
        Console.Out.Flush();
        await app.WaitForShutdownAsync();
        door.Dispose();
        orderLimiter.Dispose();
        Console.WriteLine("stopped");
        return 0;
    }

    private static DevTokenAnswer Issue(WebAuth auth, WebAccount a)
    {
        var (token, expires) = auth.Issue(a.Subject);
        return new DevTokenAnswer(token, a.Subject, a.Account, expires.ToUnixTimeSeconds());
    }

    private static WebAccount? Account(HttpContext ctx, WebAuth auth) => auth.AccountOf(ctx.User.FindFirst("sub")?.Value);

    private static IResult Json(byte[] frame) => Results.Bytes(frame, "application/json");
    private static IResult Found(byte[]? frame, string symbol) => frame != null ? Json(frame) : Problem(404, "unknown_symbol", $"symbol '{symbol}' is not traded here");
    private static IResult NotAccount() => Problem(403, "auth_failed", "the token's subject is not a web account here");
    private static IResult Problem(int status, string code, string reason) =>
        Results.Json(new ErrorBody("error", code, reason), WebJson.Default.ErrorBody, statusCode: status);

    private static Task WriteError(HttpContext context, int status, string code, string reason)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new ErrorBody("error", code, reason), WebJson.Default.ErrorBody));
    }

    /// <summary>WebSocket connections in all and per source address.</summary>
    private sealed class Admission(WebLimits limits)
    {
        private readonly ConcurrentDictionary<string, int> _byAddress = new();
        private int _total;
        private long _refused;

        /// <summary>WebSocket connections open now.</summary>
        public int Total => Volatile.Read(ref _total);

        /// <summary>Upgrades refused for the limits since start.</summary>
        public long Refused => Interlocked.Read(ref _refused);

        public string? TryEnter(string address)
        {
            if (Interlocked.Increment(ref _total) > limits.MaxConnections)
            {
                Interlocked.Decrement(ref _total);
                Interlocked.Increment(ref _refused);
                return $"the server holds its limit of {limits.MaxConnections} connections";
            }
            int mine = _byAddress.AddOrUpdate(address, 1, (_, n) => n + 1);
            if (mine > limits.MaxConnectionsPerAddress)
            {
                Leave(address);
                Interlocked.Increment(ref _refused);
                return $"at most {limits.MaxConnectionsPerAddress} connections from one address";
            }
            return null;
        }

        public void Leave(string address)
        {
            Interlocked.Decrement(ref _total);
            _byAddress.AddOrUpdate(address, 0, (_, n) => n - 1);
        }
    }
}
