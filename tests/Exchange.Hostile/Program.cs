// exchange-hostile ENGINE_PORT GATEWAY_PORT SECONDS: for that long, everything strangers do at once. At the engine,
// round after round (every 20 ms): new UDP sessions with data from six addresses, a SETUP asking for a 1 GiB term,
// garbage datagrams, and bad logons whose response channels ask for a 1 GiB term or name another host. At the
// gateway: connections from 100 addresses that send half a message and hold on, reopened 100 ms after being dropped.
// Prints one line of what it sent.
using System.Net;
using System.Net.Sockets;
using Exchange.Testing;

if (args.Length != 3 || !int.TryParse(args[0], out int enginePort) || !int.TryParse(args[1], out int gatewayPort) || !int.TryParse(args[2], out int seconds))
{
    Console.Error.WriteLine("usage: exchange-hostile ENGINE_PORT GATEWAY_PORT SECONDS");
    return 2;
}

const int Commands = 10;
var random = new Random(11);
var strangers = Enumerable.Range(2, 6).Select(i => new Stranger($"127.1.0.{i}")).ToList();
using var liar = new RawClient(enginePort, "127.1.0.9");
using var victim = new UdpClient(new IPEndPoint(IPAddress.Parse("127.1.0.99"), 0));
int victimPort = ((IPEndPoint)victim.Client.LocalEndPoint!).Port;
using var connections = new FixStrangers(gatewayPort, 100, FixStrangers.Address, reopenAfter: TimeSpan.FromMilliseconds(100));
var payload = new byte[64];
var garbage = new byte[1400];
long rounds = 0, datagrams = 0, logons = 0;
var until = DateTime.UtcNow.AddSeconds(seconds);
while (DateTime.UtcNow < until)
{
    rounds++;
    foreach (var stranger in strangers)
    {
        for (int i = 0; i < 10; i++)
        {
            int session = random.Next();
            random.NextBytes(payload);
            stranger.Send(Stranger.Setup(session, Commands, 1 << 20), enginePort);
            stranger.Send(Stranger.Data(session, Commands, 7, 0, payload), enginePort);
            datagrams += 2;
        }
        stranger.Send(Stranger.Setup(random.Next(), Commands, 1 << 30), enginePort);
        random.NextBytes(garbage);
        stranger.Send(garbage[..random.Next(1, garbage.Length)], enginePort);
        datagrams += 2;
    }
    liar.Logon($"stolen-{random.Next()}", liar.ResponseChannel(termLength: "1g"));
    liar.Logon($"stolen-{random.Next()}", $"aeron:udp?endpoint=127.1.0.99:{victimPort}|term-length=64k");
    liar.Logon($"stolen-{random.Next()}", liar.ResponseChannel());
    logons += 3;
    liar.Pump();
    Thread.Sleep(20);
}
foreach (var stranger in strangers) stranger.Dispose();
Console.WriteLine($"hostile rounds={rounds} datagrams={datagrams} badLogons={logons} connections={connections.Opened} droppedByGateway={connections.ClosedByGateway}");
return 0;
