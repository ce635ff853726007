// A stream's term buffers are faulted in ahead of their writer by the transport's agent (TermPrefault): offering into a
// fresh publication, and receiving into a fresh image, then takes no page fault per 4 KiB of the first pass through the
// terms. Counted with PageFaults.MinorFaults (getrusage(RUSAGE_THREAD)) around the writes alone, over a real loopback stream. The terms are
// pinned arrays the collector may carve out of memory an earlier test already touched, so the test first hands the
// pages the prefault has not claimed back to the OS (MADV_DONTNEED: they hold zeros, and read back as zeros), making
// them as cold as a fresh process's.
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Exchange.Testing;

namespace Exchange.Transport.Tests.Streams;

public sealed partial class TermPrefaultTests
{
    private const int Stream = 79;
    private const int Messages = 120;
    private static readonly byte[] Message = new byte[256];

    private struct Count : ISubscriptionHandler
    {
        public int Messages;
        public void OnMessage(ReadOnlySpan<byte> message, Image image, long position) => Messages++;
        public void OnImageAvailable(Image image) { }
        public void OnImageUnavailable(Image image) { }
    }

    /// <summary>Offers <see cref="Messages"/> messages (about 34 KiB of a fresh 1 MiB term) with idle duty cycles between
    /// them, as an owner's loop would have, and returns the minor page faults taken inside the offers and inside the
    /// cycles that received them.</summary>
    private static (long Offers, long Receives) FaultsOfAFreshStream(bool prefault)
    {
        using var transport = new Transport(new TransportOptions { PrefaultTerms = prefault });
        var subscription = transport.AddSubscription("aeron:udp?endpoint=127.0.0.1:0", Stream);
        var publication = transport.AddPublication($"aeron:udp?endpoint=127.0.0.1:{subscription.LocalEndPoint.Port}|term-length=1m", Stream);
        var handler = new Count();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        // Connected, with one message through so the image has its terms.
        while (!(publication.IsConnected && handler.Messages == 1))
        {
            Assert.True(DateTime.UtcNow < deadline, "the loopback stream did not connect in 10 s");
            if (publication.IsConnected && publication.Position == 0) Assert.True(publication.Offer(Message) > 0);
            transport.DoWork();
            subscription.Poll(ref handler, 10);
        }
        Evict(publication);
        Evict(subscription.Images.Single());
        long offers = 0, receives = 0;
        for (int i = 0; i < Messages; i++)
        {
            for (int idle = 0; idle < 3; idle++) transport.DoWork();
            offers += PageFaults.MinorFaults(() => Assert.True(publication.Offer(Message) > 0));
            // The cycle that sends it and the ones that read it into the image.
            while (handler.Messages < i + 2)
            {
                Assert.True(DateTime.UtcNow < deadline, "a message did not arrive in 10 s");
                receives += PageFaults.MinorFaults(() => transport.DoWork());
                subscription.Poll(ref handler, 10);
            }
        }
        return (offers, receives);
    }

    [Fact]
    public void Offering_into_and_receiving_into_fresh_terms_takes_no_page_faults_when_they_are_faulted_in_ahead()
    {
        var cold = FaultsOfAFreshStream(prefault: false);
        var warm = FaultsOfAFreshStream(prefault: true);
        // About 34 KiB written into each of the publication's and the image's terms: eight or nine fresh pages each.
        Assert.True(cold.Offers >= 5, $"offers into cold terms took {cold.Offers} minor faults");
        Assert.True(cold.Receives >= 5, $"receives into cold terms took {cold.Receives} minor faults");
        Assert.True(warm.Offers <= 1, $"offers into terms faulted in ahead took {warm.Offers} minor faults (cold: {cold.Offers})");
        Assert.True(warm.Receives <= 2, $"receives into terms faulted in ahead took {warm.Receives} minor faults (cold: {cold.Receives})");
    }

    /// <summary>Gives the OS back the whole pages of a stream's terms from the second page (the first holds the message
    /// that connected it) or from where its prefault has reached, whichever is later: the pages nothing has written yet.</summary>
    private static unsafe void Evict(object stream)
    {
        const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;
        var terms = (byte[])stream.GetType().GetField("_terms", Private)!.GetValue(stream)!;
        object prefault = stream.GetType().GetField("_prefault", Private)!.GetValue(stream)!;
        long next = (long)prefault.GetType().GetField("_next", Private)!.GetValue(prefault)!;
        long page = Environment.SystemPageSize;
        long start = (long)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(terms));
        long from = (start + Math.Max(page, next) + page - 1) & ~(page - 1), to = (start + terms.Length) & ~(page - 1);
        Assert.Equal(0, Madvise((void*)from, (nuint)(to - from), DontNeed));
    }

    private const int DontNeed = 4;

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static unsafe partial int Madvise(void* address, nuint length, int advice);
}
