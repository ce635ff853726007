// `exchange-perf failover`'s command line and report: summary.md and summary.json in a results directory, the JSON also
// on stdout with --json. Exit 1 when anything acknowledged was lost or duplicated, the replicas differ, or the run failed.
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Exchange.Hosting;
using Exchange.Perf.CommandLine;

namespace Exchange.Perf.Failover;

public static class FailoverCommand
{
    internal static Command Create()
    {
        var d = new FailoverOptions();
        var kills = Flags.Int("--kills", "times the leader is killed (SIGKILL, SIGSTOP past the lease, SIGTERM, in turn)", d.Kills, min: 1);
        var rate = Flags.Int("--rate", "commands per second (resting orders and their cancels)", d.Rate, min: 1, max: 100_000);
        var sessions = Flags.Int("--sessions", "client sessions", d.Sessions, min: 1, max: 64);
        var between = Flags.Seconds("--between", "load before the first kill, the most between kills (a random moment within it), and after the last", d.SecondsBetweenKills);
        var ttl = Flags.Int("--lease-ttl", "the leader's lease in seconds (etcd's smallest here is 1)", d.LeaseTtlSeconds, min: 1);
        var keepAlive = Flags.Int("--keep-alive-ms", "how often the leader renews its lease", d.KeepAliveMs, min: 10);
        var suspect = Flags.Int("--suspect-leader-ms", "a sync standby revokes the lease of a leader silent this long on the replication stream (0: wait out the lease)", d.SuspectLeaderAfterMs, min: 0, max: 60_000);
        var heartbeat = Flags.Int("--client-heartbeat-ms", "the sessions' heartbeat interval (three silent ones and a session looks for the leader)", d.ClientHeartbeatMs, min: 10, max: 10_000);
        var logonAnswer = Flags.Int("--logon-answer-ms", "how long a session's logon may go unanswered before it tries another member", d.LogonAnswerMs, min: 10, max: 60_000);
        var syncLoss = Flags.OneOf("--on-sync-loss", "what the leader does when its sync standby stops answering", d.OnSyncLoss, "degrade", "wait");
        var durability = Flags.OneOf("--durability", "every member's journal durability", d.Durability, "none", "batch", "always");
        var seed = Flags.Int("--seed", "random seed for the kill moments", d.Seed);
        var etcd = Flags.Text("--etcd", "a running etcd's client URL (default: start one with ops/servers/etcd.sh)", "URL");
        var engineExe = Flags.Text("--engine-exe", "the exchange-engine to start (default: next to this executable)", "FILE");
        var fixSessions = Flags.Int("--fix-sessions", "brokers' FIX sessions through an exchange-gateway given every member (0: binary load only)", d.FixSessions, min: 0, max: 16);
        var fixRate = Flags.Int("--fix-rate", "FIX commands per second over all FIX sessions, besides --rate", d.FixRate, min: 1, max: 20_000);
        var gatewayExe = Flags.Text("--gateway-exe", "the exchange-gateway to start (default: next to this executable)", "FILE");
        var output = Flags.Text("--out", "the results directory (default: a new perf/results/<date>-failover[-N])", "DIR");
        var json = Flags.Json();
        var command = new Command("failover", "a three-member cluster under load whose leader is killed again and again: " +
            "acknowledged commands lost or duplicated, RTO per failover, replicas equal at the end")
            { kills, rate, sessions, between, ttl, keepAlive, suspect, heartbeat, logonAnswer, syncLoss, durability, seed, etcd, engineExe,
              fixSessions, fixRate, gatewayExe, output, json };
        command.SetAction(r =>
        {
            var options = new FailoverOptions
            {
                Kills = r.GetValue(kills), Rate = r.GetValue(rate), Sessions = r.GetValue(sessions), SecondsBetweenKills = r.GetValue(between),
                LeaseTtlSeconds = r.GetValue(ttl), KeepAliveMs = r.GetValue(keepAlive),
                SuspectLeaderAfterMs = r.GetValue(suspect), ClientHeartbeatMs = r.GetValue(heartbeat), LogonAnswerMs = r.GetValue(logonAnswer), OnSyncLoss = r.GetValue(syncLoss)!,
                Durability = r.GetValue(durability)!, Seed = r.GetValue(seed), Etcd = r.GetValue(etcd), EngineExecutable = r.GetValue(engineExe),
                FixSessions = r.GetValue(fixSessions), FixRate = r.GetValue(fixRate), GatewayExecutable = r.GetValue(gatewayExe),
                OutputDirectory = r.GetValue(output),
            };
            if (options.KeepAliveMs >= options.LeaseTtlSeconds * 1000) throw new UsageException("--keep-alive-ms must be shorter than the lease");
            var result = FailoverBench.Run(options, Console.Error);
            string directory = options.OutputDirectory ?? NewDirectory();
            Directory.CreateDirectory(directory);
            string summary = Json(options, result);
            File.WriteAllText(Path.Combine(directory, "summary.json"), summary);
            File.WriteAllText(Path.Combine(directory, "summary.md"), Table(options, result));
            if (r.GetValue(json)) Console.WriteLine(summary);
            else Console.Write(Table(options, result));
            Console.Error.WriteLine($"failover: results in {directory}");
            return Passed(result) ? 0 : 1;
        });
        return command;
    }

    public static bool Passed(FailoverResult r) => r.Failure == null && r.Lost == 0 && r.Duplicated == 0 && r.ReplicasEqual && r.InFlightUnresolved == 0
        && (r.Fix == null || r.Fix.Passed);

    private static string NewDirectory()
    {
        string root = Path.Combine("perf", "results"), day = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        string path = Path.Combine(root, $"{day}-failover");
        for (int n = 2; Directory.Exists(path); n++) path = Path.Combine(root, $"{day}-failover-{n}");
        return path;
    }

    public static string Json(FailoverOptions o, FailoverResult r)
    {
        var failovers = new JsonArray();
        foreach (var k in r.Failovers)
            failovers.Add((JsonNode)new JsonObject
            {
                ["index"] = k.Index, ["killed"] = k.Member, ["method"] = k.Method, ["newLeader"] = k.NewLeader,
                ["rtoMs"] = double.IsNaN(k.RtoMillis) ? -1 : Math.Round(k.RtoMillis, 1), ["takeoverMs"] = Math.Round(k.TakeoverMillis, 1), ["inFlight"] = k.InFlight,
                ["fixRtoMs"] = double.IsNaN(k.FixRtoMillis) ? -1 : Math.Round(k.FixRtoMillis, 1),
            });
        JsonNode? fix = r.Fix is not { } f ? null : new JsonObject
        {
            ["sessions"] = f.Sessions, ["rate"] = o.FixRate, ["passed"] = f.Passed, ["sent"] = f.Sent, ["answered"] = f.Answered,
            ["accepted"] = f.Accepted, ["refused"] = f.Refused, ["unanswered"] = f.Unanswered, ["sequencedNewOrders"] = f.Sequenced,
            ["lost"] = f.Lost, ["duplicated"] = f.Duplicated, ["disconnects"] = f.Disconnects, ["errors"] = f.Errors,
            ["cancelledUnasked"] = f.CancelledUnasked, ["cancelledLate"] = f.CancelledLate, ["unsolicitedCancelText"] = f.UnsolicitedCancelText, ["rtoP50Ms"] = Math.Round(f.RtoP50Millis, 1), ["rtoMaxMs"] = Math.Round(f.RtoMaxMillis, 1),
        };
        var states = new JsonArray();
        foreach (string state in r.FinalStates) states.Add((JsonNode)state);
        return new JsonObject
        {
            ["mode"] = "failover",
            ["passed"] = Passed(r),
            ["kills"] = r.Kills,
            ["rate"] = o.Rate,
            ["sessions"] = o.Sessions,
            ["leaseTtlSeconds"] = o.LeaseTtlSeconds,
            ["keepAliveMs"] = o.KeepAliveMs,
            ["suspectLeaderAfterMs"] = o.SuspectLeaderAfterMs,
            ["clientHeartbeatMs"] = o.ClientHeartbeatMs,
            ["logonAnswerMs"] = o.LogonAnswerMs,
            ["onSyncLoss"] = o.OnSyncLoss,
            ["durability"] = o.Durability,
            ["sent"] = r.Sent,
            ["acknowledged"] = r.Acknowledged,
            ["lost"] = r.Lost,
            ["duplicated"] = r.Duplicated,
            ["inFlightAtFailovers"] = r.InFlightAtFailovers,
            ["inFlightSequenced"] = r.InFlightSequenced,
            ["inFlightResent"] = r.InFlightResent,
            ["inFlightUnresolved"] = r.InFlightUnresolved,
            ["unaskedCancels"] = r.UnaskedCancels,
            ["rtoP50Ms"] = Math.Round(r.RtoP50Millis, 1),
            ["rtoMaxMs"] = Math.Round(r.RtoMaxMillis, 1),
            ["replicasEqual"] = r.ReplicasEqual,
            ["finalStates"] = states,
            ["fix"] = fix,
            ["failovers"] = failovers,
            ["seconds"] = Math.Round(r.Seconds, 1),
            ["failure"] = r.Failure,
        }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static string Table(FailoverOptions o, FailoverResult r)
    {
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"# exchange-perf failover: {r.Kills} kills, {o.Rate} commands/s, lease {o.LeaseTtlSeconds} s, suspect leader after {o.SuspectLeaderAfterMs} ms, client heartbeat {o.ClientHeartbeatMs} ms, logon answer {o.LogonAnswerMs} ms, onSyncLoss {o.OnSyncLoss}, durability {o.Durability}");
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"{(Passed(r) ? "PASSED" : "FAILED")}: sent {r.Sent}, acknowledged {r.Acknowledged}, lost {r.Lost}, duplicated {r.Duplicated}, " +
            $"replicas equal: {(r.ReplicasEqual ? "yes" : "no")}; in flight at failovers {r.InFlightAtFailovers} (sequenced {r.InFlightSequenced}, " +
            $"found unsequenced by order status and sent again {r.InFlightResent}, fate unknown {r.InFlightUnresolved}); " +
            $"cancels nobody asked for {r.UnaskedCancels}; RTO p50 {r.RtoP50Millis:0} ms, max {r.RtoMaxMillis:0} ms; {r.Seconds:0} s");
        if (r.Fix is { } f)
        {
            s.AppendLine();
            s.AppendLine(CultureInfo.InvariantCulture, $"FIX through exchange-gateway ({f.Sessions} session(s), {o.FixRate} commands/s): {(f.Passed ? "passed" : "FAILED")}: " +
                $"sent {f.Sent}, answered {f.Answered} (accepted new orders {f.Accepted}, refused with a reason {f.Refused}), unanswered {f.Unanswered}; " +
                $"FIX sessions lost {f.Disconnects}, session errors {f.Errors}, cancels nobody asked for {f.CancelledUnasked}, " +
                $"cancels reported after their reject {f.CancelledLate}{(f.UnsolicitedCancelText is { } t ? $" (last Text: {t})" : "")}; " +
                $"new orders in the journal {f.Sequenced}, acknowledged beyond them (lost) {f.Lost}, sequenced twice {f.Duplicated}; " +
                $"FIX RTO p50 {f.RtoP50Millis:0} ms, max {f.RtoMaxMillis:0} ms");
        }
        if (r.Failure != null) s.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"failure: {r.Failure}");
        s.AppendLine();
        s.AppendLine("| kill | member | method | new leader | takeover (ms) | RTO (ms) | FIX RTO (ms) | in flight |");
        s.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var k in r.Failovers)
            s.AppendLine(CultureInfo.InvariantCulture, $"| {k.Index} | {k.Member} | {k.Method} | {k.NewLeader} | {k.TakeoverMillis:0} | {k.RtoMillis:0} | " +
                $"{(double.IsNaN(k.FixRtoMillis) ? "–" : k.FixRtoMillis.ToString("0", CultureInfo.InvariantCulture))} | {k.InFlight} |");
        s.AppendLine();
        foreach (string state in r.FinalStates) s.AppendLine(CultureInfo.InvariantCulture, $"- {state}");
        return s.ToString();
    }
}
