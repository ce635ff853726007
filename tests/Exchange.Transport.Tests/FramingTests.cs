// Alignment, mtu limits, fragmentation and the PAD at a term's end, as Aeron lays messages into terms.
using Exchange.Transport;

namespace Exchange.Transport.Tests;

public class FramingTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 32)]
    [InlineData(32, 32)]
    [InlineData(33, 64)]
    [InlineData(1408, 1408)]
    [InlineData(1409, 1440)]
    public void Next_frame_starts_at_frame_length_rounded_up_to_32(int frameLength, int aligned) =>
        Assert.Equal(aligned, Framing.Align(frameLength));

    [Theory]
    [InlineData(1408, true)]
    [InlineData(65504, true)]
    [InlineData(64, true)]
    [InlineData(32, false)]
    [InlineData(65536, false)]
    [InlineData(1400, false)]
    [InlineData(0, false)]
    [InlineData(-32, false)]
    public void Mtu_is_a_multiple_of_32_up_to_65504_leaving_room_for_payload(int mtu, bool valid) =>
        Assert.Equal(valid, Framing.IsValidMtu(mtu));

    [Fact]
    public void Max_payload_per_frame_is_mtu_minus_the_32_byte_header() =>
        Assert.Equal(1376, Framing.MaxPayloadLength(1408));

    [Theory]
    [InlineData(64 * 1024, 8 * 1024)]
    [InlineData(16 * 1024 * 1024, 2 * 1024 * 1024)]
    [InlineData(128 * 1024 * 1024, 16 * 1024 * 1024)]
    [InlineData(1024 * 1024 * 1024, 16 * 1024 * 1024)]
    public void Max_message_is_an_eighth_of_the_term_capped_at_16_MiB(int termLength, int max) =>
        Assert.Equal(max, Framing.MaxMessageLength(termLength));

    [Fact]
    public void Fragment_flags_are_C0_single_80_first_00_middle_40_last()
    {
        Assert.Equal(0xC0, Framing.FragmentFlags(0, 1));
        Assert.Equal(0x80, Framing.FragmentFlags(0, 3));
        Assert.Equal(0x00, Framing.FragmentFlags(1, 3));
        Assert.Equal(0x40, Framing.FragmentFlags(2, 3));
    }

    [Fact]
    public void Message_up_to_max_payload_is_one_frame_flagged_C0()
    {
        var fragments = Plan(1376, 1408);
        Assert.Equal([new Fragment(0, 1376, 0xC0)], fragments);
        Assert.Equal(1408, fragments[0].FrameLength);
    }

    [Fact]
    public void Empty_message_is_one_header_only_frame()
    {
        Assert.Equal([new Fragment(0, 0, 0xC0)], Plan(0, 1408));
        Assert.Equal(32, Framing.RequiredTermLength(0, 1408));
    }

    [Fact]
    public void Larger_message_splits_into_mtu_sized_fragments_with_begin_and_end_on_the_ends()
    {
        // 3000 bytes at mtu 1408: 1376 + 1376 + 248.
        Assert.Equal(
            [new Fragment(0, 1376, 0x80), new Fragment(1376, 1376, 0x00), new Fragment(2752, 248, 0x40)],
            Plan(3000, 1408));
        Assert.Equal(1408 + 1408 + 288, Framing.RequiredTermLength(3000, 1408));
    }

    [Fact]
    public void Exact_multiple_of_max_payload_has_no_empty_last_fragment()
    {
        Assert.Equal([new Fragment(0, 1376, 0x80), new Fragment(1376, 1376, 0x40)], Plan(2752, 1408));
        Assert.Equal(2816, Framing.RequiredTermLength(2752, 1408));
    }

    [Fact]
    public void Message_that_fits_before_the_term_end_needs_no_pad() =>
        Assert.Equal(new TermPlacement(true, 0), Framing.Place(65536 - 64, 65536, 32, 1408));

    [Fact]
    public void Message_that_does_not_fit_pads_the_rest_of_the_term()
    {
        // 33 bytes of payload need a 65-byte frame, 96 aligned; only 64 remain.
        Assert.Equal(new TermPlacement(false, 64), Framing.Place(65536 - 64, 65536, 33, 1408));
    }

    [Fact]
    public void Fragmented_message_is_placed_whole_or_padded_never_split_across_terms()
    {
        int required = Framing.RequiredTermLength(3000, 1408);
        Assert.Equal(new TermPlacement(true, 0), Framing.Place(65536 - required, 65536, 3000, 1408));
        Assert.Equal(new TermPlacement(false, required - 32), Framing.Place(65536 - required + 32, 65536, 3000, 1408));
    }

    [Fact]
    public void Full_term_needs_no_pad_but_the_message_goes_to_the_next_term() =>
        Assert.Equal(new TermPlacement(false, 0), Framing.Place(65536, 65536, 1, 1408));

    [Fact]
    public void Fragments_cover_the_message_contiguously_for_many_sizes()
    {
        foreach (int mtu in new[] { 64, 1408, 65504 })
            for (int length = 0; length < 5000; length += 37)
            {
                var fragments = Plan(length, mtu);
                Assert.Equal(Framing.FragmentCount(length, mtu), fragments.Count);
                int next = 0, termBytes = 0;
                foreach (var fragment in fragments)
                {
                    Assert.Equal(next, fragment.PayloadOffset);
                    Assert.InRange(fragment.FrameLength, 32, mtu);
                    next += fragment.PayloadLength;
                    termBytes += fragment.AlignedFrameLength;
                }
                Assert.Equal(length, next);
                Assert.Equal(Framing.RequiredTermLength(length, mtu), termBytes);
            }
    }

    private static List<Fragment> Plan(int length, int mtu)
    {
        var fragments = new List<Fragment>();
        foreach (var fragment in new FragmentPlan(length, mtu)) fragments.Add(fragment);
        return fragments;
    }
}
