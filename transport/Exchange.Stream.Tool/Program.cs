// exchange-stream: Aeron's sample tools on our transport, so anyone can check it against their own Aeron deployment
// (or one of ours against another) in a minute: pub and sub (StreamingPublisher / RateSubscriber), ping and pong
// (Ping / Pong, round trips as HDR percentiles), and stat (the transport's counters). Options keep Aeron's sample
// defaults where they apply: channel aeron:udp?endpoint=localhost:20121, stream 1001, 32-byte messages, ping on
// localhost:20123 stream 1002 and pong on localhost:20124 stream 1003.
using System.CommandLine;
using Exchange.Hosting;
using Exchange.Stream.Tool;

const string DefaultChannel = "aeron:udp?endpoint=localhost:20121";
const string DefaultPingChannel = "aeron:udp?endpoint=localhost:20123";
const string DefaultPongChannel = "aeron:udp?endpoint=localhost:20124";

Option<string> Text(string name, string description, string value, string helpName) =>
    new(name) { Description = description, DefaultValueFactory = _ => value, HelpName = helpName };

var channel = Text("--channel", "The channel URI (aeron:udp?endpoint=host:port|...)", DefaultChannel, "URI");
var streamId = Cli.Integer("--stream-id", "The stream id", 1001, int.MinValue, int.MaxValue);
var pingChannel = Text("--ping-channel", "Where ping sends and pong listens", DefaultPingChannel, "URI");
var pongChannel = Text("--pong-channel", "Where pong answers and ping listens", DefaultPongChannel, "URI");
var pingStreamId = Cli.Integer("--ping-stream-id", "Stream id of the pings", 1002, int.MinValue, int.MaxValue);
var pongStreamId = Cli.Integer("--pong-stream-id", "Stream id of the pongs", 1003, int.MinValue, int.MaxValue);
var length = Cli.Integer("--length", "Bytes per message (ping/pong: at least 8, a timestamp)", 32, 0, 16 * 1024 * 1024);
var rate = Cli.Integer("--rate", "Messages per second at most (0: as fast as the receiver takes them)", 0L, 0L, long.MaxValue);
var linger = Cli.Integer("--linger", "Milliseconds to keep the stream open after the last message, before ending it", 0, 0, int.MaxValue);
var connectTimeout = Cli.Integer("--connect-timeout", "Milliseconds to wait for a subscriber before giving up", 30_000, 1, int.MaxValue);
var seconds = Cli.Integer("--seconds", "Stop after this many seconds (0: run until Ctrl-C or SIGTERM)", 0, 0, int.MaxValue);
var idle = Cli.OneOf("--idle", "How the tool's one thread waits when there is nothing to do", "yield", "busy-spin", "yield", "backoff");
var json = new Option<bool>("--json") { Description = "The summary as one JSON object on stdout (rate reports go to stderr)" };
var counters = new Option<bool>("--counters") { Description = "Add this process's transport counters to the summary" };
var verify = new Option<bool>("--verify") { Description = "Check that messages carry consecutive sequence numbers (as exchange-stream pub sends); exit 1 if not" };

var pub = new Command("pub", "Publish --messages messages of --length bytes (each starts with its sequence number), at --rate, then end the stream")
{
    channel, streamId, length, rate, linger, connectTimeout, idle, json, counters,
    Cli.Integer("--messages", "Messages to send", 10_000_000L, 1L, long.MaxValue),
};
pub.SetAction(r => StreamPublisher.Run(new PublishOptions(
    r.GetValue(channel)!, r.GetValue(streamId), r.GetValue<long>("--messages"), r.GetValue(length), r.GetValue(rate),
    r.GetValue(linger), r.GetValue(connectTimeout), r.GetValue(idle)!, r.GetValue(json), r.GetValue(counters))));

var sub = new Command("sub", "Subscribe and report the message rate each second; stop after --messages (once the stream has ended or 2 s later), --seconds or a signal")
{
    channel, streamId, seconds, idle, json, counters, verify,
    Cli.Integer("--messages", "Messages to receive (0: no limit)", 0L, 0L, long.MaxValue),
};
sub.SetAction(r => StreamSubscriber.Run(new SubscribeOptions(
    r.GetValue(channel)!, r.GetValue(streamId), r.GetValue<long>("--messages"), r.GetValue(seconds), r.GetValue(idle)!,
    r.GetValue(json), r.GetValue(counters), r.GetValue(verify))));

var warmup = Cli.Integer("--warmup-messages", "Round trips before the measured ones (not recorded)", 10_000L, 0L, long.MaxValue);
var ping = new Command("ping", "Send --messages pings, one at a time, each when the pong of the last one is back, and print the round trips as HDR percentiles (microseconds)")
{
    pingChannel, pongChannel, pingStreamId, pongStreamId, length, warmup, connectTimeout, idle, json, counters,
    Cli.Integer("--messages", "Round trips to measure", 100_000L, 1L, long.MaxValue),
};
ping.SetAction(r => PingPong.Ping(new PingOptions(
    r.GetValue(pingChannel)!, r.GetValue(pingStreamId), r.GetValue(pongChannel)!, r.GetValue(pongStreamId),
    r.GetValue<long>("--messages"), r.GetValue(warmup), r.GetValue(length), r.GetValue(connectTimeout), r.GetValue(idle)!,
    r.GetValue(json), r.GetValue(counters))));

var pong = new Command("pong", "Answer every ping with the same bytes; stop after --messages, --seconds or a signal")
{
    pingChannel, pongChannel, pingStreamId, pongStreamId, seconds, idle, json, counters,
    Cli.Integer("--messages", "Pings to answer (0: no limit)", 0L, 0L, long.MaxValue),
};
pong.SetAction(r => PingPong.Pong(new PongOptions(
    r.GetValue(pingChannel)!, r.GetValue(pingStreamId), r.GetValue(pongChannel)!, r.GetValue(pongStreamId),
    r.GetValue<long>("--messages"), r.GetValue(seconds), r.GetValue(idle)!, r.GetValue(json), r.GetValue(counters))));

var interval = Cli.Integer("--interval", "Milliseconds between reports", 1000, 10, int.MaxValue);
var stat = new Command("stat", """
    Show what arrives on a channel: stat runs a subscription of its own on --channel and --stream-id and prints its
    transport's counters every --interval (setups, data, heartbeats, NAKs, status messages, images, drops by reason),
    which shows what a publisher, Aeron's or ours, sends to it. Every exchange process, this tool's other modes included,
    also publishes its counters in a counters file: exchange-stat shows them all, live.
    """)
{
    channel, streamId, seconds, interval, idle, json,
};
stat.SetAction(r => StreamSubscriber.Stat(r.GetValue(channel)!, r.GetValue(streamId), r.GetValue(seconds), r.GetValue(interval), r.GetValue(idle)!, r.GetValue(json)));

var root = new RootCommand("""
    Aeron's sample tools on this project's transport: pub, sub, ping, pong and stat, on any channel URI and stream id, to
    check the transport against an Aeron deployment (its media driver and samples) or against itself. Exit 0 when the run
    did what was asked, 1 when it could not (no subscriber, a stream that failed its check), 2 on bad arguments.
    """)
{
    pub, sub, ping, pong, stat,
};
return Cli.Run(root, args);
