// Positions round-trip through (term_id, term_offset), including when term ids wrap past int.MaxValue.
using Exchange.Transport;

namespace Exchange.Transport.Tests;

public class TermPositionTests
{
    private const int Bits64K = 16;

    [Theory]
    [InlineData(64 * 1024, true)]
    [InlineData(16 * 1024 * 1024, true)]
    [InlineData(1024 * 1024 * 1024, true)]
    [InlineData(32 * 1024, false)]
    [InlineData(96 * 1024, false)]
    [InlineData(0, false)]
    [InlineData(-65536, false)]
    [InlineData(int.MinValue, false)]
    public void Term_length_must_be_a_power_of_two_from_64k_to_1g(int termLength, bool valid) =>
        Assert.Equal(valid, TermPosition.IsValidTermLength(termLength));

    [Fact]
    public void Position_bits_are_log2_of_the_term_length()
    {
        Assert.Equal(16, TermPosition.PositionBitsToShift(64 * 1024));
        Assert.Equal(24, TermPosition.PositionBitsToShift(16 * 1024 * 1024));
        Assert.Equal(30, TermPosition.PositionBitsToShift(1024 * 1024 * 1024));
    }

    [Fact]
    public void Position_is_terms_since_initial_shifted_plus_offset()
    {
        Assert.Equal(0, TermPosition.Compute(100, 0, 100, Bits64K));
        Assert.Equal(3L * 65536 + 4096, TermPosition.Compute(103, 4096, 100, Bits64K));
    }

    [Fact]
    public void Term_id_difference_wraps_as_int32_past_max_value()
    {
        // Two terms after int.MaxValue - 1 is int.MinValue: still two terms of progress, not -4 billion.
        Assert.Equal(2L * 65536 + 32, TermPosition.Compute(int.MinValue, 32, int.MaxValue - 1, Bits64K));
        Assert.Equal(int.MinValue, TermPosition.TermId(2L * 65536 + 32, int.MaxValue - 1, Bits64K));
        Assert.Equal(32, TermPosition.TermOffset(2L * 65536 + 32, Bits64K));
    }

    [Fact]
    public void Positions_beyond_int_range_of_bytes_use_64_bits()
    {
        // 2^30-byte terms: the 5th term starts past 4 GiB.
        Assert.Equal(5L << 30, TermPosition.Compute(-5, 0, -10, 30));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(7, 99)]
    [InlineData(-12345, 1 << 20)]
    [InlineData(int.MaxValue, 1000)]
    public void Term_id_and_offset_round_trip_through_a_position(int initialTermId, int termCount)
    {
        foreach (int termOffset in new[] { 0, 32, 65536 - 32 })
        {
            int termId = unchecked(initialTermId + termCount);
            long position = TermPosition.Compute(termId, termOffset, initialTermId, Bits64K);
            Assert.Equal(termId, TermPosition.TermId(position, initialTermId, Bits64K));
            Assert.Equal(termOffset, TermPosition.TermOffset(position, Bits64K));
        }
    }
}
