// Schema evolution: the version-1 Car adds uuid and cupHolderCount (sinceVersion 1) at the end of the block.
// A newer decoder reading an older message sees their null values; an older decoder reading a newer message
// skips them through the header's block length.
using Extension;

namespace Exchange.Codecs.Tests;

public class ExtensionCarTests
{
    [Fact]
    public void Version_1_decoder_reads_a_version_0_car_with_null_version_1_fields()
    {
        var car = CarDecoder.WrapWithHeader(Vectors.Extension);
        Assert.Equal(0, car.ActingVersion);
        Assert.Equal(45, car.ActingBlockLength);
        Assert.False(car.UuidInActingVersion);
        Assert.Equal(CarDecoder.UuidNullValue, car.Uuid(0));
        Assert.Equal(CarDecoder.UuidNullValue, car.Uuid(1));
        Assert.Equal(long.MinValue, CarDecoder.UuidNullValue);
        Assert.True(car.UuidBytes.IsEmpty);
        Assert.False(car.CupHolderCountInActingVersion);
        Assert.Equal(CarDecoder.CupHolderCountNullValue, car.CupHolderCount);
        Assert.Equal(255, CarDecoder.CupHolderCountNullValue);
    }

    [Fact]
    public void Version_1_decoder_reads_the_version_0_fields_of_the_extension_vector()
    {
        var car = CarDecoder.WrapWithHeader(Vectors.Extension);
        Assert.Equal(1234UL, car.SerialNumber);
        Assert.Equal(2013, car.ModelYear);
        Assert.Equal(BooleanType.T, car.Available);
        Assert.Equal(Model.A, car.Code);
        // This vector was written with someNumbers 0..3, unlike the baseline one (1..4).
        Assert.Equal([0u, 1u, 2u, 3u], new[] { car.SomeNumbers(0), car.SomeNumbers(1), car.SomeNumbers(2), car.SomeNumbers(3) });
        Assert.Equal("abcdef", car.VehicleCodeAsString());
        Assert.Equal(OptionalExtras.SportsPack | OptionalExtras.CruiseControl, car.Extras);
        Assert.Equal(Model.C, car.DiscountedModel);
        Assert.Equal(2000, car.Engine.Capacity);
        Assert.Equal(BoostType.NITROUS, car.Engine.Booster.BoostType);

        var fuel = car.ReadFuelFigures();
        Assert.Equal(3, fuel.Count);
        while (fuel.Next())
        {
            fuel.ReadUsageDescription();
        }

        var performance = car.ReadPerformanceFigures();
        Assert.Equal(2, performance.Count);
        while (performance.Next())
        {
            var acceleration = performance.ReadAcceleration();
            Assert.Equal(3, acceleration.Count);
            while (acceleration.Next())
            {
            }
        }

        Assert.Equal("Honda", BaselineCar.Text(car.ReadManufacturer()));
        Assert.Equal("Civic VTi", BaselineCar.Text(car.ReadModel()));
        Assert.Equal("abcdef", BaselineCar.Text(car.ReadActivationCode()));
        Assert.Equal(207, car.Limit);
    }

    [Fact]
    public void Version_1_car_round_trips_its_new_fields()
    {
        var buffer = new byte[512];
        var length = EncodeVersion1(buffer);
        var car = CarDecoder.WrapWithHeader(buffer.AsSpan(0, length));
        Assert.Equal(1, car.ActingVersion);
        Assert.Equal(62, car.ActingBlockLength);
        Assert.Equal(7L, car.Uuid(0));
        Assert.Equal(-8L, car.Uuid(1));
        Assert.Equal(3, car.CupHolderCount);
        Assert.Equal(1234UL, car.SerialNumber);
    }

    [Fact]
    public void Version_0_decoder_skips_the_unknown_trailing_fields_of_a_version_1_car()
    {
        var buffer = new byte[512];
        var length = EncodeVersion1(buffer);
        var car = Baseline.CarDecoder.WrapWithHeader(buffer.AsSpan(0, length));
        Assert.Equal(1, car.ActingVersion);
        Assert.Equal(62, car.ActingBlockLength);
        Assert.Equal(1234UL, car.SerialNumber);
        Assert.Equal("abcdef", car.VehicleCodeAsString());
        var fuel = car.ReadFuelFigures();
        Assert.True(fuel.Next());
        Assert.Equal(30, fuel.Speed);
        Assert.Equal("Urban Cycle", BaselineCar.Text(fuel.ReadUsageDescription()));
        Assert.False(fuel.Next());
        var performance = car.ReadPerformanceFigures();
        Assert.Equal(0, performance.Count);
        Assert.Equal("Honda", BaselineCar.Text(car.ReadManufacturer()));
        Assert.Equal("Civic VTi", BaselineCar.Text(car.ReadModel()));
        Assert.Equal("abcdef", BaselineCar.Text(car.ReadActivationCode()));
        Assert.Equal(length, car.Limit);
    }

    [Fact]
    public void Version_1_header_with_a_version_0_block_length_is_rejected()
    {
        var buffer = new byte[512];
        var length = EncodeVersion1(buffer);
        buffer[6] = 1;
        buffer[0] = 45;
        var error = CarDecoder.TryWrapWithHeader(buffer.AsSpan(0, length), 0, out _);
        Assert.Equal(Exchange.Sbe.SbeError.BlockTooShort, error);
        Assert.Equal(62, CarDecoder.MinimumBlockLength(1));
        Assert.Equal(45, CarDecoder.MinimumBlockLength(0));
    }

    private static int EncodeVersion1(Span<byte> buffer)
    {
        var car = CarEncoder.WrapAndApplyHeader(buffer, 0);
        car.SerialNumber = 1234;
        car.ModelYear = 2013;
        car.VehicleCode = "abcdef"u8;
        car.SetUuid(0, 7);
        car.SetUuid(1, -8);
        car.CupHolderCount = 3;
        var fuel = car.FuelFiguresCount(1);
        fuel.Next();
        fuel.Speed = 30;
        fuel.WriteUsageDescription("Urban Cycle"u8);
        car.PerformanceFiguresCount(0);
        car.WriteManufacturer("Honda"u8);
        car.WriteModel("Civic VTi"u8);
        car.WriteActivationCode("abcdef"u8);
        return car.Limit;
    }
}
