// Runs the gateway: loads the FIX sessions, opens the acceptor, logs each order-entry session on to the engines, then
// one thread runs the FIX sessions and the engine clients until SIGTERM or Ctrl-C, when the sessions are logged out.
using System.Runtime.InteropServices;
using Exchange.Fix.Session;
using Exchange.Hosting;
using Exchange.Transport;

namespace Exchange.Gateway;

internal static class GatewayHost
{
    /// <summary>The process's exit code: 0 after a clean stop, 1 when it cannot start; a settings file it cannot use
    /// is a <see cref="UsageException"/>.</summary>
    public static int Run(string settingsPath, GatewayConfig config, string idleName, string? operatorListen = null)
    {
        IReadOnlyList<SessionSettings> settings;
        try { settings = SessionSettings.Load(settingsPath, Gateway.SettingsKeys); }
        catch (Exception e) when (e is FixSessionException or IOException)
        {
            throw new UsageException(e.Message);
        }
        var output = LogOutput.FromEnvironment();
        var log = output.For("exchange-gateway");
        foreach (string warning in settings.SelectMany(s => s.Warnings).Distinct())
            log.Warn(warning);

        var gateway = new Gateway(config, Exchange.Fix.UtcTimestamp.Now, line => log.Info(line));
        Exchange.Tracing.OrderTracing? tracing;
        try { tracing = Exchange.Tracing.OrderTracing.FromEnvironment("exchange-gateway"); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        using var ownedTracing = tracing;
        gateway.Tracing = tracing;
        if (tracing != null) log.Info($"tracing orders to {Environment.GetEnvironmentVariable(Exchange.Tracing.OrderTracing.EndpointVariable)}");
        CountersFile counters;
        try { counters = CountersFile.Create("exchange-gateway"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warn($"cannot publish counters in {CountersFile.DefaultDirectory()}: {e.Message}");
            counters = CountersFile.Private(64);
        }
        using var ownedCounters = counters;
        gateway.Metrics = new GatewayMetrics(counters);
        OperatorEndpoint? endpoint = null;
        if (operatorListen != null)
        {
            var reader = counters.Path is { } path ? CountersReader.TryOpen(path) : null;
            var metrics = gateway.Metrics;
            try
            {
                endpoint = new OperatorEndpoint(OperatorEndpoint.Parse(operatorListen)!,
                    () => reader == null ? "" : PrometheusText.Format([(reader.ProcessName, Environment.ProcessId, reader.Read())]), metrics.Readiness);
            }
            catch (System.Net.Sockets.SocketException e)
            {
                log.Error($"cannot listen for operators on {operatorListen}: {e.Message}");
                return 2;
            }
            log.Info($"operator endpoint http://{endpoint.EndPoint}/ (health, ready, metrics)");
        }
        using var ownedEndpoint = endpoint;
        FixAcceptor acceptor;
        try
        {
            acceptor = new FixAcceptor(settings, gateway, Exchange.Fix.UtcTimestamp.Now,
                new FixAcceptorOptions { ScreenLogJsonComponent = output.Json ? log.Component : null });
        }
        catch (Exception e) when (e is FixSessionException or System.Net.Sockets.SocketException or IOException)
        {
            log.Error($"cannot start: {e.Message}");
            return 1;
        }
        try { gateway.Attach(acceptor.Sessions, TimeSpan.FromSeconds(10)); }
        catch (Exception e) when (e is GatewayConfigException or TimeoutException or Exchange.Client.LogonRejectedException or ArgumentException)
        {
            log.Error($"cannot connect to the engines: {e.Message}");
            gateway.Dispose();
            acceptor.Dispose();
            return 1;
        }

        // One agent, on this thread: the FIX sessions' sockets and timers, then the engines' responses.
        Func<IEnumerable<bool>> engineSessions = gateway.EngineSessions;
        var agent = new DelegateAgent("gateway", () =>
        {
            int work = acceptor.DoWork(Exchange.Fix.UtcTimestamp.Now()) + gateway.PollEngines();
            gateway.Metrics.Publish(Environment.TickCount64, acceptor.Sessions, engineSessions);
            return work;
        });
        // Backing off, the agent parks on every socket it drives (FIX connections, listeners, the engine clients'
        // transports) and on the signal of work finished off its thread (TLS, password checks), so traffic wakes it.
        // Everything it waits for has a descriptor, so it parks at once, for up to 1 ms, rather than spinning and
        // parking for doubling microseconds first: each duty cycle costs a system call per socket, and on a shared
        // machine the cycles that find nothing took most of the gateway's CPU (44 % of a core at 2,000 orders/s,
        // against 23 % parking at once; perf/results/2026-12-06-gateway-park/). Its timers (heartbeats, the engine
        // sessions' retransmission requests) are late by a park at most.
        var parker = new DescriptorParker(acceptor, gateway);
        var idle = idleName == "backoff" ? IdleStrategies.ParkAtOnce(parker) : IdleStrategies.Parse(idleName, parker)!;
        var runner = new AgentRunner(agent, idle);
        void OnSignal(PosixSignalContext context) { context.Cancel = true; runner.RequestStop(); }
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

        log.Info(acceptor.TransportDescription);
        Console.WriteLine($"listening port={acceptor.Port} address={acceptor.EndPoints[0].Address} sessions={acceptor.Sessions.Count} transport={(acceptor.UsesTls ? "tls" : "tcp")}");
        Console.Out.Flush();
        log.Info($"listening on port {acceptor.Port} with {acceptor.Sessions.Count} FIX sessions", ("port", acceptor.Port));
        if (!runner.Run()) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(runner.Failure!);

        // Log every FIX session out and give the brokers a moment to answer, then leave the engines.
        foreach (var session in acceptor.Sessions) if (session.IsLoggedOn) session.Logout("Gateway shutting down");
        var until = DateTime.UtcNow.AddSeconds(2);
        while (DateTime.UtcNow < until && acceptor.Sessions.Any(s => s.IsLoggedOn))
        {
            idle.Idle(agent.DoWork());
        }
        acceptor.LogEvent($"admission since start-up: {acceptor.Counters}");
        // The engines first: logging their sessions out cancels what the brokers left resting (cancel-on-disconnect), and
        // those execution reports go into the FIX sessions' stores for the brokers' next logon, so the stores must
        // still be open. Closing the FIX sessions first made the gateway die here on a closed store.
        gateway.Dispose();
        acceptor.Dispose();
        tracing?.Flush();
        Console.WriteLine("stopped");
        return 0;
    }
}
