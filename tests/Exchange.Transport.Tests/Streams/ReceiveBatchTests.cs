// Reading a socket several datagrams to a system call (recvmmsg): datagrams that wait together are read together, a
// read that brings fewer than it had room for ends the socket's reading for the cycle (no second call to hear
// "nothing"), and each datagram keeps its own sender. Over real loopback sockets; the senders are plain UDP sockets.
using System.Net;
using System.Net.Sockets;

namespace Exchange.Transport.Tests.Streams;

public class ReceiveBatchTests
{
    private const int Stream = 78;

    private static byte[] Setup(int sessionId)
    {
        var frame = new byte[SetupFrame.Length];
        SetupFrame.Write(frame, 0, sessionId, Stream, 5, 5, 64 * 1024, 1408, 0);
        return frame;
    }

    /// <summary>Four bytes: shorter than any frame, so each is read, dispatched and dropped as too short.</summary>
    private static readonly byte[] Junk = [1, 2, 3, 4];

    /// <summary>Runs the receiver's duty cycle until <paramref name="datagrams"/> have been read: the cycles it took.</summary>
    private static int ReadAll(Transport receiver, long datagrams)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        int cycles = 0;
        while (receiver.Counters.DatagramsReceived < datagrams)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{receiver.Counters.DatagramsReceived} of {datagrams} datagrams read in 10 s");
            receiver.DoWork();
            cycles++;
        }
        return cycles;
    }

    [Fact]
    public void Datagrams_waiting_together_are_read_several_to_a_call_and_a_short_read_ends_the_reading()
    {
        using var receiver = new Transport(new TransportOptions { DatagramsPerReceiveCall = 8 });
        var sub = receiver.AddSubscription("aeron:udp?endpoint=127.0.0.1:0", Stream);
        receiver.DoWork(); // opens the endpoint
        long callsBefore = receiver.Counters.ReceiveCalls;
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var to = new IPEndPoint(IPAddress.Loopback, sub.LocalEndPoint.Port);
        for (int i = 0; i < 11; i++) peer.Send(Junk, Junk.Length, to);
        Thread.Sleep(100); // all eleven wait in the socket (a loaded machine may still deliver some later: counted below)

        int cycles = ReadAll(receiver, 11);
        long calls = receiver.Counters.ReceiveCalls - callsBefore;
        // One call per cycle that found the socket empty or short of a batch, plus one for each full batch of 8: with
        // all eleven waiting, one cycle and two calls (8, then 3). Reading one at a time takes a call per datagram and
        // one more per cycle to find the socket empty: 12.
        Assert.True(calls <= cycles + 11 / 8, $"{calls} receive calls in {cycles} cycles for 11 datagrams");
        Assert.Equal(11, receiver.Counters.Dropped(DropReason.TooShort));
    }

    [Fact]
    public void A_datagram_that_comes_alone_costs_one_call()
    {
        using var receiver = new Transport(new TransportOptions { DatagramsPerReceiveCall = 8 });
        var sub = receiver.AddSubscription("aeron:udp?endpoint=127.0.0.1:0", Stream);
        receiver.DoWork();
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var to = new IPEndPoint(IPAddress.Loopback, sub.LocalEndPoint.Port);
        for (int i = 1; i <= 5; i++)
        {
            long callsBefore = receiver.Counters.ReceiveCalls;
            peer.Send(Junk, Junk.Length, to);
            int cycles = ReadAll(receiver, i);
            // Every cycle one call, the one that read the datagram included.
            Assert.Equal(cycles, receiver.Counters.ReceiveCalls - callsBefore);
        }
        Assert.Equal(5, receiver.Counters.Dropped(DropReason.TooShort));
    }

    [Fact]
    public void Datagrams_read_in_one_call_keep_their_own_senders()
    {
        using var receiver = new Transport(new TransportOptions { DatagramsPerReceiveCall = 8 });
        var sub = receiver.AddSubscription("aeron:udp?endpoint=127.0.0.1:0", Stream);
        receiver.DoWork();
        var to = new IPEndPoint(IPAddress.Loopback, sub.LocalEndPoint.Port);
        using var a = new UdpClient(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        using var b = new UdpClient(new IPEndPoint(IPAddress.Parse("127.0.0.3"), 0));
        for (int i = 0; i < 3; i++)
        {
            a.Send(Setup(10 + i), SetupFrame.Length, to);
            b.Send(Setup(20 + i), SetupFrame.Length, to);
        }
        Thread.Sleep(100);
        ReadAll(receiver, 6);

        var sources = sub.Images.ToDictionary(image => image.SessionId, image => image.SourceAddress);
        Assert.Equal(6, sources.Count);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(a.Client.LocalEndPoint!.ToString(), sources[10 + i]);
            Assert.Equal(b.Client.LocalEndPoint!.ToString(), sources[20 + i]);
        }
    }

    [Fact]
    public void One_datagram_per_call_reads_them_all_and_finds_the_socket_empty_with_a_call_of_its_own()
    {
        using var receiver = new Transport(new TransportOptions { DatagramsPerReceiveCall = 1 });
        var sub = receiver.AddSubscription("aeron:udp?endpoint=127.0.0.1:0", Stream);
        receiver.DoWork();
        long callsBefore = receiver.Counters.ReceiveCalls;
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var to = new IPEndPoint(IPAddress.Loopback, sub.LocalEndPoint.Port);
        for (int i = 0; i < 4; i++) peer.Send(Junk, Junk.Length, to);
        int cycles = ReadAll(receiver, 4);
        Assert.Equal(cycles + 4, receiver.Counters.ReceiveCalls - callsBefore);
        Assert.Equal(4, receiver.Counters.Dropped(DropReason.TooShort));
    }

    [Fact]
    public void A_datagram_as_long_as_udp_allows_arrives_whole()
    {
        using var h = new StreamHarness();
        var sub = h.Receiver.AddSubscription("aeron:udp?endpoint=127.0.0.1:0", Stream);
        var pub = h.Sender.AddPublication($"aeron:udp?endpoint=127.0.0.1:{sub.LocalEndPoint.Port}|term-length=1m|mtu=65504", Stream);
        var recorder = new Recorder();
        var message = new byte[65_000];
        Payloads.Fill(message, 0);
        Assert.True(h.RunUntil(() => pub.Offer(message) > 0, TimeSpan.FromSeconds(10)));
        Assert.True(h.RunUntil(() => recorder.Received == 1, TimeSpan.FromSeconds(10), () => sub.Poll(ref recorder, 10)));
        Assert.Equal(0, recorder.Corrupt);
        Assert.Equal(0, h.Receiver.Counters.DroppedTotal);
        Assert.True(h.Receiver.Counters.BytesReceived > 65_000);
    }
}
