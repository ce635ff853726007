// aeron:ipc streams: shared-memory logs in a directory of their own (on /dev/shm, as in production), between two
// transports in this process and between this process and real exchange-stream processes killed for real.
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Exchange.Testing;

namespace Exchange.Transport.Tests.Streams;

public class IpcTests
{
    private const string Channel = "aeron:ipc?name=engine|term-length=64k";

    [Fact]
    public void Messages_cross_in_order_whole_fragmented_and_across_terms_and_the_end_of_the_stream_removes_the_log()
    {
        using var dir = new IpcDirectory();
        using var h = new StreamHarness(dir.Options(), dir.Options());
        var sub = h.Receiver.AddSubscription(Channel, 7);
        var pub = h.Sender.AddPublication(Channel, 7);
        Assert.Single(dir.Logs("engine"));
        var recorder = new Recorder();
        var message = new byte[3000];
        long sent = 0;
        Assert.True(h.RunUntil(() => pub.IsConnected, Timeouts.Prompt, () => sub.Poll(ref recorder, 10)), "the publisher never saw its subscriber");
        // 20,000 messages through 64 KiB terms: about fifteen passes through the three terms, every 50th message fragmented.
        Assert.True(h.RunUntil(() => recorder.Received == 20_000, Timeouts.Prompt, () =>
        {
            if (sent < 20_000)
            {
                int length = sent % 50 == 0 ? 3000 : 8 + (int)(sent % 200);
                Payloads.Fill(message.AsSpan(0, length), sent);
                if (pub.Offer(message.AsSpan(0, length)) > 0) sent++;
            }
            sub.Poll(ref recorder, 64);
        }), $"received {recorder.Received} of {sent}");
        Assert.Equal(0, recorder.OutOfOrder);
        Assert.Equal(0, recorder.Corrupt);
        Assert.True(pub.Position > 3L * 64 * 1024 * 10);

        pub.Close();
        Assert.True(h.RunUntil(() => recorder.Unavailable == 1 && pub.IsFinished, Timeouts.Prompt, () => sub.Poll(ref recorder, 64)));
        Assert.Equal([ImageCloseReason.EndOfStream], recorder.Closed);
        Assert.Empty(dir.Logs("engine"));
        Assert.Equal(20_000, h.Receiver.MessagesReceived);
        Assert.Equal(20_000, h.Sender.MessagesSent);
    }

    [Fact]
    public void An_image_says_whether_a_fragment_waits_unread_until_its_subscriber_polls_it()
    {
        using var dir = new IpcDirectory();
        using var h = new StreamHarness(dir.Options(), dir.Options());
        var subscription = h.Receiver.AddSubscription(Channel, 9);
        Unread.Shown(h, h.Sender.AddPublication(Channel, 9), subscription);
    }

    [Fact]
    public void Before_its_subscriber_a_publication_holds_half_a_term_and_afterwards_it_is_held_to_what_the_subscriber_consumed()
    {
        using var dir = new IpcDirectory();
        using var h = new StreamHarness(dir.Options(), dir.Options());
        var pub = h.Sender.AddPublication(Channel, 3);
        var message = new byte[100];
        long waiting = 0, result;
        while ((result = pub.Offer(Fill(message, waiting))) > 0) waiting++;
        Assert.Equal(OfferResult.NotConnected, result);
        Assert.InRange(waiting * 160, 32 * 1024 - 160, 32 * 1024); // 100 bytes + a 32-byte header, aligned to 32: 160 per message; half of 64 KiB

        var sub = h.Receiver.AddSubscription(Channel, 3);
        var recorder = new Recorder();
        Assert.True(h.RunUntil(() => recorder.Received == waiting && pub.IsConnected, Timeouts.Prompt, () => sub.Poll(ref recorder, 64)));
        Assert.Equal(0, recorder.OutOfOrder);

        // The subscriber stops polling: the publication fills half a term past what it consumed, and no more.
        long more = 0;
        while ((result = pub.Offer(Fill(message, waiting + more))) > 0) more++;
        Assert.Equal(OfferResult.BackPressured, result);
        Assert.InRange(more * 160, 32 * 1024 - 160, 32 * 1024);
        Assert.True(h.RunUntil(() => recorder.Received == waiting + more, Timeouts.Prompt, () => sub.Poll(ref recorder, 64)));
        Assert.True(pub.Offer(Fill(message, waiting + more)) > 0);
        Assert.Equal(0, recorder.OutOfOrder);
        Assert.Equal(0, recorder.Corrupt);
    }

    [Fact]
    public void A_publication_closed_right_after_its_offer_waits_its_linger_for_a_subscriber_to_take_it()
    {
        using var dir = new IpcDirectory();
        using var h = new StreamHarness(dir.Options(), dir.Options());
        // As the engine's path for a logon challenge or reject: one message, closed at once, a short linger.
        var pub = h.Sender.AddPublication("aeron:ipc?name=client|term-length=64k|linger=2s", 11);
        Assert.True(pub.Offer(Fill(new byte[64], 0)) > 0);
        pub.Close();
        for (int i = 0; i < 20; i++) { h.Sender.DoWork(); Thread.Sleep(5); }
        Assert.False(pub.IsFinished);
        var sub = h.Receiver.AddSubscription("aeron:ipc?name=client", 11);
        var recorder = new Recorder();
        Assert.True(h.RunUntil(() => recorder.Unavailable == 1 && pub.IsFinished, Timeouts.Prompt, () => sub.Poll(ref recorder, 10)));
        Assert.Equal(1, recorder.Received);
        Assert.Equal([ImageCloseReason.EndOfStream], recorder.Closed);

        // Nobody comes: it goes when the linger runs out.
        var alone = h.Sender.AddPublication("aeron:ipc?name=nobody|term-length=64k|linger=300ms", 11);
        Assert.True(alone.Offer(Fill(new byte[64], 0)) > 0);
        alone.Close();
        Assert.True(h.RunUntil(() => alone.IsFinished, Timeouts.Prompt));
        Assert.Empty(dir.Logs("nobody"));
    }

    private static ReadOnlySpan<byte> Fill(byte[] message, long sequence)
    {
        Payloads.Fill(message, sequence);
        return message;
    }

    [Fact]
    public void A_stream_has_one_subscriber_and_the_next_may_take_it_on_once_the_first_closed()
    {
        using var dir = new IpcDirectory();
        using var h = new StreamHarness(dir.Options(), dir.Options());
        var first = h.Receiver.AddSubscription(Channel, 9);
        var refused = Assert.Throws<ArgumentException>(() => h.Sender.AddSubscription(Channel, 9));
        Assert.Contains("already has a subscriber", refused.Message);
        h.Sender.AddSubscription(Channel, 10).Close(); // another stream of the same name is another lock
        var pub = h.Sender.AddPublication(Channel, 9);
        var recorder = new Recorder();
        var message = new byte[64];
        Assert.True(h.RunUntil(() => pub.IsConnected, Timeouts.Prompt, () => first.Poll(ref recorder, 10)));
        for (long i = 0; i < 10; i++) Assert.True(pub.Offer(Fill(message, i)) > 0);
        Assert.True(h.RunUntil(() => recorder.Received == 10, Timeouts.Prompt, () => first.Poll(ref recorder, 10)));

        first.Close();
        Assert.True(h.RunUntil(() => !pub.IsConnected, Timeouts.Prompt, () => first.Poll(ref recorder, 10)), "the publisher still sees the closed subscriber");
        for (long i = 10; i < 20; i++) Assert.True(pub.Offer(Fill(message, i)) > 0);
        var second = h.Sender.AddSubscription(Channel, 9);
        var next = new Recorder { NextExpected = 10 };
        Assert.True(h.RunUntil(() => next.Received == 10 && pub.IsConnected, Timeouts.Prompt, () => second.Poll(ref next, 10)));
        Assert.Equal(10, recorder.Received); // the closed one read nothing more
        Assert.Equal(0, next.OutOfOrder);
        Assert.Equal(0, next.Corrupt);
    }

    [Fact]
    public void What_killed_processes_left_is_swept_when_a_subscription_starts_and_what_lives_is_not()
    {
        using var dir = new IpcDirectory();
        var privateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        // A killed client's channel: its lock file and doorbell, nobody holding them.
        string dead = Path.Combine(dir.Path, "client-1-0-dead");
        Directory.CreateDirectory(dead, privateMode);
        File.WriteAllBytes(Path.Combine(dead, "11.sub"), []);
        File.WriteAllBytes(Path.Combine(dead, "11.bell"), []);
        // A killed publisher's log beside a live one's.
        string engine = Path.Combine(dir.Path, "engine");
        Directory.CreateDirectory(engine, privateMode);
        File.WriteAllBytes(Path.Combine(engine, "10-0000dead.log"), Header(65536, 10, 0xdead, 4096 + 3 * 65536));
        using var live = new Transport(dir.Options());
        var pub = live.AddPublication(Channel, 10);
        var held = live.AddSubscription("aeron:ipc?name=held", 11);

        using var next = new Transport(dir.Options());
        next.AddSubscription("aeron:ipc?name=other", 5);
        Assert.False(Directory.Exists(dead), "the killed client's channel is still there");
        Assert.Equal([$"10-{(uint)pub.SessionId:x8}.log"], dir.Logs("engine").Select(Path.GetFileName));
        Assert.True(File.Exists(Path.Combine(dir.Path, "held", "11.sub")), "a live subscription's lock was swept");
        // And the live ones still work: the subscription on 'held' keeps its stream.
        Assert.Throws<ArgumentException>(() => next.AddSubscription("aeron:ipc?name=held", 11));
        Assert.False(held.IsClosed);
    }

    [Fact]
    public void An_ipc_directory_others_may_enter_or_a_link_to_one_is_refused_with_the_reason()
    {
        using var dir = new IpcDirectory();
        string open = Path.Combine(dir.Path, "open");
        Directory.CreateDirectory(open, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
            | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        using (var transport = new Transport(dir.Options()))
        {
            var refused = Assert.Throws<IOException>(() => transport.AddSubscription("aeron:ipc?name=open", 1));
            Assert.Contains("is open to other users", refused.Message);
            Assert.Throws<IOException>(() => transport.AddPublication("aeron:ipc?name=open", 1));
        }
        using (var transport = new Transport(new TransportOptions { IpcDirectory = open }))
            Assert.Contains("is open to other users", Assert.Throws<IOException>(() => transport.AddSubscription(Channel, 1)).Message);
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "link"), open);
        using (var transport = new Transport(dir.Options()))
            Assert.Contains("is a symbolic link", Assert.Throws<IOException>(() => transport.AddSubscription("aeron:ipc?name=link", 1)).Message);
    }

    [Fact]
    public void Files_that_are_not_logs_a_subscriber_can_read_are_counted_and_left_alone()
    {
        using var dir = new IpcDirectory();
        using var h = new StreamHarness(dir.Options(), dir.Options(new TransportOptions { MaxReceiverTermLength = 1 << 20 }));
        var sub = h.Receiver.AddSubscription(Channel, 4);
        h.Receiver.DoWork(); // watching
        string channelDir = Path.Combine(dir.Path, "engine");
        // Named into the directory as a publisher names its log (a rename), so the watch sees each at once.
        void Place(string name, byte[] bytes)
        {
            string staging = Path.Combine(dir.Path, name);
            File.WriteAllBytes(staging, bytes);
            File.Move(staging, Path.Combine(channelDir, name));
        }
        var random = new Random(11);
        Place("4-00000001.log", [1, 2, 3]); // cut short
        var junk = new byte[4096 + 3 * 65536];
        random.NextBytes(junk);
        Place("4-00000002.log", junk); // not a log
        Place("4-00000003.log", Header(termLength: 1 << 24, streamId: 4, sessionId: 3, fileLength: 4096)); // terms too long
        Place("4-00000004.log", Header(termLength: 65536, streamId: 4, sessionId: 4, fileLength: 4096)); // size does not match
        Place("4-00000005.log", Header(termLength: 65536, streamId: 5, sessionId: 5, fileLength: 4096 + 3 * 65536)); // another stream's

        var pub = h.Sender.AddPublication(Channel, 4);
        var recorder = new Recorder();
        var message = new byte[64];
        Assert.True(h.RunUntil(() => pub.IsConnected && h.Receiver.Counters.Dropped(DropReason.InvalidIpcLog) == 5, Timeouts.Prompt,
            () => sub.Poll(ref recorder, 10)), $"refused {h.Receiver.Counters.Dropped(DropReason.InvalidIpcLog)} of 5");
        for (long i = 0; i < 100; i++) Assert.True(pub.Offer(Fill(message, i)) > 0);
        Assert.True(h.RunUntil(() => recorder.Received == 100, Timeouts.Prompt, () => sub.Poll(ref recorder, 10)));
        Assert.Equal(1, recorder.Available);
        Assert.Equal(5, h.Receiver.Counters.Dropped(DropReason.InvalidIpcLog));
        Assert.Equal(6, dir.Logs("engine").Length); // left alone (a later subscription's sweep removes what no process holds)
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int flock(int fd, int operation);

    /// <summary>Fuzz: logs whose "publisher" lives (holds its lock) but whose metadata and frames are random: positions,
    /// claims, tails, frame lengths and types. Each is refused and counted, or taken on and read until it is found
    /// corrupt or its publisher goes; nothing throws, nothing is delivered that the frames did not hold, and the
    /// subscription still takes a real publication's messages afterwards.</summary>
    [Fact]
    public void Random_logs_from_a_live_publisher_are_refused_or_read_safely()
    {
        using var dir = new IpcDirectory();
        var options = dir.Options(new TransportOptions { IpcScanIntervalNanos = 0, HeartbeatIntervalNanos = NanoClock.Millisecond });
        using var h = new StreamHarness(dir.Options(), options);
        var sub = h.Receiver.AddSubscription(Channel, 6);
        h.Receiver.DoWork();
        string channelDir = Path.Combine(dir.Path, "engine");
        var random = new Random(23);
        var recorder = new Recorder();
        long refusedBefore = 0;
        int taken = 0, refused = 0;
        for (int round = 0; round < 200; round++)
        {
            int termLength = random.Next(3) == 0 ? 128 * 1024 : 64 * 1024;
            var file = Header(termLength, streamId: 6, sessionId: 1000 + round, fileLength: 4096 + 3 * termLength);
            if (random.Next(4) == 0) BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(12), random.Next(-100, 70000)); // mtu
            long Pick() => random.Next(6) switch
            {
                0 => 0,
                1 => 32L * random.Next(0, 2048),
                2 => random.Next(),
                3 => -random.Next(1, 1000),
                4 => long.MaxValue - random.Next(1000),
                _ => 32L * random.Next(0, 4 * termLength / 32),
            };
            BinaryPrimitives.WriteInt64LittleEndian(file.AsSpan(64), Pick()); // tail
            BinaryPrimitives.WriteInt64LittleEndian(file.AsSpan(192), random.Next(3) == 0 ? random.Next() : 0); // claim
            BinaryPrimitives.WriteInt64LittleEndian(file.AsSpan(256), random.Next(2) == 0 ? 0 : Pick()); // consumed
            // Frames: random bytes, or frame headers with random lengths and types.
            for (int at = 4096; at < 4096 + 4096; at += 32)
            {
                if (random.Next(2) == 0) { random.NextBytes(file.AsSpan(at, 32)); continue; }
                BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(at), random.Next(-64, 3000));
                BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(at + 6), (short)random.Next(0, 3));
                file[at + 5] = (byte)random.Next(256);
            }
            string name = $"6-{(uint)(1000 + round):x8}.log";
            string staging = Path.Combine(dir.Path, name);
            File.WriteAllBytes(staging, file);
            using var held = File.OpenHandle(staging, FileMode.Open, FileAccess.ReadWrite);
            Assert.Equal(0, flock((int)held.DangerousGetHandle(), 1 | 4)); // the publisher's shared lock: it lives
            File.Move(staging, Path.Combine(channelDir, name));
            int images = sub.ImageCount;
            Assert.True(h.RunUntil(() => sub.ImageCount > images || h.Receiver.Counters.Dropped(DropReason.InvalidIpcLog) > refusedBefore,
                Timeouts.Prompt, () => sub.Poll(ref recorder, 64)), $"round {round}: the log was neither taken nor refused");
            if (sub.ImageCount > images) taken++; else refused++;
            refusedBefore = h.Receiver.Counters.Dropped(DropReason.InvalidIpcLog);
            for (int i = 0; i < 20; i++) { h.DoWork(); sub.Poll(ref recorder, 64); }
            held.Dispose(); // the publisher goes
            Assert.True(h.RunUntil(() => sub.ImageCount == 0, Timeouts.Prompt, () => sub.Poll(ref recorder, 64)), $"round {round}: the image outlived its publisher");
        }
        Assert.True(taken > 10 && refused > 10, $"taken {taken}, refused {refused}: the fuzz should reach both");
        Assert.Equal(taken, recorder.Available);
        Assert.Equal(taken, recorder.Unavailable);

        var pub = h.Sender.AddPublication(Channel, 6);
        var clean = new Recorder();
        var message = new byte[64];
        Assert.True(h.RunUntil(() => pub.IsConnected, Timeouts.Prompt, () => sub.Poll(ref clean, 10)));
        for (long i = 0; i < 50; i++) Assert.True(pub.Offer(Fill(message, i)) > 0);
        Assert.True(h.RunUntil(() => clean.Received == 50, Timeouts.Prompt, () => sub.Poll(ref clean, 10)));
        Assert.Equal(0, clean.OutOfOrder);
        Assert.Equal(0, clean.Corrupt);
    }

    /// <summary>An ipc log's metadata as a publisher writes it (its publisher's lock aside).</summary>
    private static byte[] Header(int termLength, int streamId, int sessionId, int fileLength)
    {
        var file = new byte[fileLength];
        BinaryPrimitives.WriteInt32LittleEndian(file, 0x50495845);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(4), 1);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(8), termLength);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(12), 1408);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(16), 0);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(20), sessionId);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(24), streamId);
        return file;
    }

    /// <summary>A publisher that writes garbage into its log (a bad frame length, a tail past its window, a frame crossing
    /// the tail) closes its image as corrupt; nothing past the damage is delivered and the subscriber's other images go on.</summary>
    [Fact]
    public void Damage_in_a_log_closes_its_image_as_corrupt_and_nothing_else()
    {
        using var dir = new IpcDirectory();
        var random = new Random(5);
        for (int round = 0; round < 40; round++)
        {
            using var h = new StreamHarness(dir.Options(), dir.Options());
            var sub = h.Receiver.AddSubscription(Channel, 20 + round);
            var pub = h.Sender.AddPublication(Channel, 20 + round);
            var healthy = h.Sender.AddPublication("aeron:ipc?name=engine|term-length=64k", 20 + round);
            var recorder = new Recorder();
            var message = new byte[64];
            Assert.True(h.RunUntil(() => pub.IsConnected && healthy.IsConnected, Timeouts.Prompt, () => sub.Poll(ref recorder, 10)));
            for (long i = 0; i < 5; i++) Assert.True(pub.Offer(Fill(message, i)) > 0);
            Assert.True(h.RunUntil(() => recorder.Received == 5, Timeouts.Prompt, () => sub.Poll(ref recorder, 10)));

            // What the damage may be: the next frame's length, its type, or the tail (each at the offsets a publisher writes).
            string log = Directory.GetFiles(Path.Combine(dir.Path, "engine"), $"{20 + round}-{(uint)pub.SessionId:x8}.log").Single();
            using (var file = new FileStream(log, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
            {
                long tail = pub.Position;
                var bytes = new byte[8];
                switch (round % 4)
                {
                    case 0: // a frame length that runs past its term, published by a tail that covers it
                        BinaryPrimitives.WriteInt32LittleEndian(bytes, 64 * 1024 + random.Next(1, 1000));
                        file.Position = 4096 + tail; file.Write(bytes, 0, 4);
                        BinaryPrimitives.WriteInt64LittleEndian(bytes, tail + 64);
                        file.Position = 64; file.Write(bytes, 0, 8);
                        break;
                    case 1: // a tail beyond half a term of what was consumed
                        BinaryPrimitives.WriteInt64LittleEndian(bytes, tail + 32 * 1024 + 32 * random.Next(1, 100));
                        file.Position = 64; file.Write(bytes, 0, 8);
                        break;
                    case 2: // a tail past a frame never written (its length zero)
                        BinaryPrimitives.WriteInt64LittleEndian(bytes, tail + 32 * random.Next(1, 100));
                        file.Position = 64; file.Write(bytes, 0, 8);
                        break;
                    default: // a frame length shorter than a header
                        BinaryPrimitives.WriteInt32LittleEndian(bytes, random.Next(1, 32));
                        file.Position = 4096 + tail; file.Write(bytes, 0, 4);
                        BinaryPrimitives.WriteInt64LittleEndian(bytes, tail + 32);
                        file.Position = 64; file.Write(bytes, 0, 8);
                        break;
                }
            }
            Assert.True(h.RunUntil(() => recorder.Unavailable == 1, Timeouts.Prompt, () => sub.Poll(ref recorder, 10)), $"round {round}: the damage went unnoticed");
            Assert.Equal([ImageCloseReason.Corrupt], recorder.Closed);
            Assert.Equal(5, recorder.Received);
            Assert.Equal(0, recorder.Corrupt);

            var other = new Recorder();
            for (long i = 0; i < 5; i++) Assert.True(healthy.Offer(Fill(message, i)) > 0);
            Assert.True(h.RunUntil(() => other.Received == 5, Timeouts.Prompt, () => sub.Poll(ref other, 10)), $"round {round}: the healthy stream stopped");
            Assert.Equal(0, other.OutOfOrder);
        }
    }

    [Fact]
    public void Offering_and_polling_over_ipc_allocates_nothing_in_steady_state()
    {
        using var dir = new IpcDirectory();
        using var h = new StreamHarness(dir.Options(), dir.Options());
        var sub = h.Receiver.AddSubscription(Channel, 5);
        var pub = h.Sender.AddPublication(Channel, 5);
        var recorder = new Recorder();
        var message = new byte[3000];
        long sent = 0;
        Assert.True(h.RunUntil(() => pub.IsConnected, Timeouts.Prompt, () => sub.Poll(ref recorder, 10)));

        void Pump()
        {
            long target = sent + 20_000;
            while (recorder.Received < target)
            {
                if (sent < target)
                {
                    int length = sent % 50 == 0 ? 3000 : 64;
                    Payloads.Fill(message.AsSpan(0, length), sent);
                    if (pub.Offer(message.AsSpan(0, length)) > 0) sent++;
                }
                h.DoWork();
                sub.Poll(ref recorder, 64);
            }
        }

        Assert.Equal(0, Allocations.InSteadyState(Pump));
        Assert.Equal(0, recorder.OutOfOrder);
        Assert.Equal(0, recorder.Corrupt);
    }

    // ---- a parked subscriber: the doorbell ----

    [Fact]
    public async Task An_ipc_message_ends_the_subscribers_park_long_before_its_time_and_only_a_message_does()
    {
        using var dir = new IpcDirectory();
        using var receiver = new Transport(dir.Options());
        using var sender = new Transport(dir.Options());
        var sub = receiver.AddSubscription(Channel, 12);
        var pub = sender.AddPublication(Channel, 12);
        var recorder = new Recorder();
        var message = new byte[64];
        var deadline = DateTime.UtcNow + Timeouts.Prompt;
        while (!pub.IsConnected && DateTime.UtcNow < deadline) { receiver.DoWork(); sender.DoWork(); sub.Poll(ref recorder, 10); Thread.Sleep(1); }
        Assert.True(pub.IsConnected);

        for (int round = 0; round < 3; round++)
        {
            long sequence = round;
            var offer = Task.Run(async () =>
            {
                await Task.Delay(100);
                Assert.True(pub.Offer(Fill(message, sequence)) > 0);
            });
            var clock = System.Diagnostics.Stopwatch.StartNew();
            receiver.Park(10L * 1_000_000_000); // ten seconds, unless a message comes
            clock.Stop();
            await offer;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"round {round}: the park lasted {clock.Elapsed.TotalMilliseconds:F0} ms though a message came after 100 ms");
            Assert.Equal(1, sub.Poll(ref recorder, 10));
        }

        // A message that came before the park: the park does not wait at all.
        Assert.True(pub.Offer(Fill(message, 3)) > 0);
        var at = System.Diagnostics.Stopwatch.StartNew();
        receiver.Park(10L * 1_000_000_000);
        Assert.True(at.Elapsed < TimeSpan.FromSeconds(5), $"a park over a message already there lasted {at.Elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(1, sub.Poll(ref recorder, 10));

        // Nothing comes, and the publisher has gone (its end of the doorbell closed): the park runs its time.
        pub.Close();
        deadline = DateTime.UtcNow + Timeouts.Prompt;
        while (!pub.IsFinished && DateTime.UtcNow < deadline) { receiver.DoWork(); sender.DoWork(); sub.Poll(ref recorder, 10); Thread.Sleep(1); }
        Assert.True(pub.IsFinished);
        receiver.DoWork();
        var quiet = System.Diagnostics.Stopwatch.StartNew();
        receiver.Park(200_000_000);
        Assert.True(quiet.Elapsed >= TimeSpan.FromMilliseconds(180), $"a 200 ms park with nothing arriving returned after {quiet.Elapsed.TotalMilliseconds:F1} ms");
        Assert.Equal(4, recorder.Received);
        Assert.Equal(0, recorder.OutOfOrder);
    }

    [Fact]
    public void Parking_on_ipc_doorbells_allocates_nothing()
    {
        using var dir = new IpcDirectory();
        using var transport = new Transport(dir.Options());
        var sub = transport.AddSubscription(Channel, 13);
        var pub = transport.AddPublication(Channel, 13);
        var recorder = new Recorder();
        var deadline = DateTime.UtcNow + Timeouts.Prompt;
        while (!pub.IsConnected && DateTime.UtcNow < deadline) { transport.DoWork(); sub.Poll(ref recorder, 10); Thread.Sleep(1); }
        Assert.True(pub.IsConnected);
        Assert.Equal(0, Allocations.InSteadyState(() =>
        {
            for (int i = 0; i < 1_000; i++) transport.Park(1_000);
        }));
    }

    // ---- across processes ----

    private static ChildProcess Stream(IpcDirectory dir, params string[] args) =>
        ChildProcess.StartDll("exchange-stream.dll", args, new Dictionary<string, string> { ["EXCHANGE_IPC_DIR"] = dir.Path });

    [Fact]
    public void A_killed_publisher_process_is_noticed_what_it_offered_is_delivered_and_its_log_removed()
    {
        using var dir = new IpcDirectory();
        using var transport = new Transport(dir.Options());
        var sub = transport.AddSubscription("aeron:ipc?name=feed", 1001);
        var recorder = new Recorder();
        using var pub = Stream(dir, "pub", "--channel", "aeron:ipc?name=feed", "--stream-id", "1001", "--messages", "100000000",
            "--rate", "2000", "--length", "100", "--idle", "backoff");
        Assert.True(Run(transport, () => recorder.Received >= 500, sub, ref recorder), $"received {recorder.Received}; publisher stderr:\n{pub.Stderr}");
        pub.Kill();
        Assert.True(Run(transport, () => recorder.Unavailable == 1, sub, ref recorder), "the killed publisher was not noticed");
        Assert.Equal([ImageCloseReason.Timeout], recorder.Closed);
        Assert.Equal(0, recorder.OutOfOrder); // exchange-stream pub numbers its messages from 0 (its payload is its own, not Payloads')
        Assert.True(Run(transport, () => dir.Logs("feed").Length == 0, sub, ref recorder), "the dead publisher's log is still there");
    }

    [Fact]
    public void A_subscriber_that_follows_a_killed_one_starts_at_the_tail_and_reads_only_whole_messages()
    {
        using var dir = new IpcDirectory();
        using var transport = new Transport(dir.Options(new TransportOptions { ReceiverTimeoutNanos = 500 * NanoClock.Millisecond }));
        var pub = transport.AddPublication("aeron:ipc?name=feed", 1001);
        var message = new byte[100];
        long sent = 0;
        using (var sub = Stream(dir, "sub", "--channel", "aeron:ipc?name=feed", "--stream-id", "1001", "--idle", "backoff"))
        {
            Assert.True(RunPublishing(transport, () => pub.IsConnected && sent >= 5_000, pub, message, ref sent), $"stderr:\n{sub.Stderr}");
            sub.Kill();
        }
        Assert.True(RunPublishing(transport, () => !pub.IsConnected, pub, message, ref sent), "the killed subscriber still counts as connected");

        long before = sent;
        var next = transport.AddSubscription("aeron:ipc?name=feed", 1001);
        var recorder = new Recorder();
        Assert.True(Run(transport, () => pub.IsConnected, next, ref recorder));
        recorder.NextExpected = -1;
        Assert.True(RunPublishing(transport, () => recorder.Received >= 1_000, pub, message, ref sent, () => next.Poll(ref recorder, 64)));
        Assert.Equal(0, recorder.Corrupt);
        Assert.Equal(1, recorder.OutOfOrder); // only its first message, which is wherever the tail was
        Assert.True(recorder.NextExpected > before - 300, $"started at {recorder.NextExpected - recorder.Received}, the tail was near {before}");
    }

    private static bool Run(Transport transport, Func<bool> done, Subscription sub, ref Recorder recorder)
    {
        var deadline = DateTime.UtcNow + Timeouts.Process;
        while (!done())
        {
            if (DateTime.UtcNow > deadline) return false;
            if (transport.DoWork() + sub.Poll(ref recorder, 64) == 0) Thread.Sleep(1);
        }
        return true;
    }

    private static bool RunPublishing(Transport transport, Func<bool> done, Publication pub, byte[] message, ref long sent, Action? each = null)
    {
        var deadline = DateTime.UtcNow + Timeouts.Process;
        while (!done())
        {
            if (DateTime.UtcNow > deadline) return false;
            each?.Invoke();
            Payloads.Fill(message, sent);
            if (pub.Offer(message) > 0) sent++;
            if (transport.DoWork() == 0) Thread.Sleep(1);
        }
        return true;
    }
}
