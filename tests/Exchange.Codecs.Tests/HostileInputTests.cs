// Decoders face bytes from the network: whatever they are given, the only failure is SbeException with a
// reason, and nothing outside the given buffer is ever read.
using Baseline;
using Exchange.Sbe;

namespace Exchange.Codecs.Tests;

public class HostileInputTests
{
    // Offsets into the reference vector: header 8 bytes, Car block 45, then fuelFigures' dimension.
    private const int FuelFiguresDimension = 8 + 45;
    private const int FirstUsageDescriptionLength = FuelFiguresDimension + 4 + 6;

    [Fact]
    public void Every_truncation_of_the_baseline_car_fails_with_our_error()
    {
        var whole = Vectors.Baseline;
        for (var length = 0; length < whole.Length; length++)
        {
            var truncated = whole.AsSpan(0, length).ToArray();
            var error = Assert.Throws<SbeException>(() => BaselineCar.ReadAll(truncated, out _));
            Assert.Equal(SbeError.Truncated, error.Error);
            Assert.Contains(truncated.Length.ToString(), error.Message);
        }
    }

    [Fact]
    public void Truncation_within_header_or_block_is_reported_without_an_exception()
    {
        var whole = Vectors.Baseline;
        for (var length = 0; length < 8 + CarDecoder.BlockLength; length++)
        {
            Assert.Equal(SbeError.Truncated, CarDecoder.TryWrapWithHeader(whole.AsSpan(0, length), 0, out _));
        }

        Assert.Equal(SbeError.None, CarDecoder.TryWrapWithHeader(whole.AsSpan(0, 8 + CarDecoder.BlockLength), 0, out _));
    }

    [Fact]
    public void Wrong_template_id_is_detected_from_the_header()
    {
        var buffer = Vectors.Baseline;
        buffer[2] = 2;
        Assert.Equal(SbeError.WrongTemplate, CarDecoder.TryWrapWithHeader(buffer, 0, out _));
        var error = Assert.Throws<SbeException>(() => CarDecoder.WrapWithHeader(buffer));
        Assert.Equal(SbeError.WrongTemplate, error.Error);
        Assert.Contains("templateId is 2", error.Message);
    }

    [Fact]
    public void Wrong_schema_id_is_detected_from_the_header()
    {
        var buffer = Vectors.Baseline;
        buffer[4] = 9;
        Assert.Equal(SbeError.WrongSchema, CarDecoder.TryWrapWithHeader(buffer, 0, out _));
        var error = Assert.Throws<SbeException>(() => CarDecoder.WrapWithHeader(buffer));
        Assert.Equal(SbeError.WrongSchema, error.Error);
        Assert.Contains("schemaId is 9", error.Message);
    }

    [Fact]
    public void Header_block_length_shorter_than_the_fields_is_rejected()
    {
        var buffer = Vectors.Baseline;
        buffer[0] = 44;
        Assert.Equal(SbeError.BlockTooShort, CarDecoder.TryWrapWithHeader(buffer, 0, out _));
    }

    [Fact]
    public void Negative_or_outside_offsets_are_rejected()
    {
        Assert.Equal(SbeError.Truncated, CarDecoder.TryWrapWithHeader(Vectors.Baseline, -1, out _));
        Assert.Equal(SbeError.Truncated, CarDecoder.TryWrapWithHeader(Vectors.Baseline, 300, out _));
        Assert.Equal(SbeError.Truncated, CarDecoder.TryWrap(Vectors.Baseline, 8, -5, 0, out _));
        Assert.Throws<SbeException>(() => MessageHeaderDecoder.Wrap(Vectors.Baseline, 200));
    }

    [Fact]
    public void Group_count_above_its_maximum_is_rejected()
    {
        var buffer = Vectors.Baseline;
        buffer[FuelFiguresDimension + 2] = 0xFF;
        buffer[FuelFiguresDimension + 3] = 0xFF;
        var error = Assert.Throws<SbeException>(() => ReadFuelFigures(buffer));
        Assert.Equal(SbeError.CountOutOfRange, error.Error);
    }

    [Fact]
    public void Group_count_that_cannot_fit_in_the_buffer_is_rejected_before_any_entry_is_read()
    {
        var buffer = Vectors.Baseline;
        buffer[FuelFiguresDimension + 2] = 0x60;
        buffer[FuelFiguresDimension + 3] = 0xEA;
        var error = Assert.Throws<SbeException>(() => ReadFuelFigures(buffer));
        Assert.Equal(SbeError.Truncated, error.Error);
    }

    [Fact]
    public void Group_block_length_shorter_than_its_fields_is_rejected()
    {
        var buffer = Vectors.Baseline;
        buffer[FuelFiguresDimension] = 5;
        var error = Assert.Throws<SbeException>(() => ReadFuelFigures(buffer));
        Assert.Equal(SbeError.BlockTooShort, error.Error);
    }

    [Fact]
    public void Var_data_length_above_its_maximum_is_rejected()
    {
        var buffer = Vectors.Baseline;
        buffer.AsSpan(FirstUsageDescriptionLength, 4).Fill(0xFF);
        var error = Assert.Throws<SbeException>(() => BaselineCar.ReadAll(buffer, out _));
        Assert.Equal(SbeError.LengthOutOfRange, error.Error);
    }

    [Fact]
    public void Var_data_longer_than_the_buffer_is_rejected()
    {
        var buffer = Vectors.Baseline;
        buffer[FirstUsageDescriptionLength + 1] = 0x10;
        var error = Assert.Throws<SbeException>(() => BaselineCar.ReadAll(buffer, out _));
        Assert.Equal(SbeError.Truncated, error.Error);
    }

    [Fact]
    public void Encoder_refuses_a_buffer_too_small_for_the_message()
    {
        var buffer = new byte[206];
        var error = Assert.Throws<SbeException>(() => BaselineCar.Encode(buffer));
        Assert.Equal(SbeError.Truncated, error.Error);
    }

    [Fact]
    public void Encoder_refuses_more_entries_than_announced_and_counts_above_the_maximum()
    {
        var buffer = new byte[512];
        Assert.Equal(SbeError.ValueOutOfRange, Assert.Throws<SbeException>(() =>
        {
            var car = CarEncoder.WrapAndApplyHeader(buffer, 0);
            var fuel = car.FuelFiguresCount(1);
            fuel.Next();
            fuel.Next();
        }).Error);
        Assert.Equal(SbeError.CountOutOfRange, Assert.Throws<SbeException>(() =>
            CarEncoder.WrapAndApplyHeader(buffer, 0).FuelFiguresCount(65535)).Error);
    }

    [Fact]
    public void Encoder_refuses_a_char_array_value_longer_than_the_field()
    {
        var buffer = new byte[512];
        var error = Assert.Throws<SbeException>(() =>
        {
            var car = CarEncoder.WrapAndApplyHeader(buffer, 0);
            car.VehicleCode = "abcdefg"u8;
        });
        Assert.Equal(SbeError.ValueOutOfRange, error.Error);
    }

    private static int ReadFuelFigures(byte[] buffer)
    {
        var car = CarDecoder.WrapWithHeader(buffer);
        var fuel = car.ReadFuelFigures();
        var entries = 0;
        while (fuel.Next())
        {
            fuel.ReadUsageDescription();
            entries++;
        }

        return entries;
    }
}
