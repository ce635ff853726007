// Conformance with the reference implementation: its 207-byte Car decodes to the documented values, and
// encoding those values reproduces it byte for byte.
using Baseline;

namespace Exchange.Codecs.Tests;

public class BaselineCarTests
{
    [Fact]
    public void Baseline_header_names_the_car_template_of_schema_1_version_0()
    {
        var header = MessageHeaderDecoder.Wrap(Vectors.Baseline, 0);
        Assert.Equal(CarDecoder.BlockLength, header.BlockLength);
        Assert.Equal(1, header.TemplateId);
        Assert.Equal(1, header.SchemaId);
        Assert.Equal(0, header.Version);
        Assert.Equal(8, MessageHeaderDecoder.EncodedLength);
    }

    [Fact]
    public void Baseline_car_decodes_every_listed_value()
    {
        var car = CarDecoder.WrapWithHeader(Vectors.Baseline);
        Assert.Equal(1234UL, car.SerialNumber);
        Assert.Equal(2013, car.ModelYear);
        Assert.Equal(BooleanType.T, car.Available);
        Assert.Equal(Model.A, car.Code);
        Assert.Equal(new uint[] { 1, 2, 3, 4 }, Enumerable.Range(0, CarDecoder.SomeNumbersLength).Select(i => SomeNumber(i)));
        Assert.Equal("abcdef", car.VehicleCodeAsString());
        Assert.Equal(OptionalExtras.SportsPack | OptionalExtras.CruiseControl, car.Extras);
        Assert.Equal((OptionalExtras)6, car.Extras);
        Assert.Equal(Model.C, car.DiscountedModel);

        var engine = car.Engine;
        Assert.Equal(2000, engine.Capacity);
        Assert.Equal(4, engine.NumCylinders);
        Assert.Equal(9000, engine.MaxRpm);
        Assert.Equal("123", engine.ManufacturerCodeAsString());
        Assert.Equal("Petrol", BaselineCar.Text(engine.Fuel));
        Assert.Equal(35, engine.Efficiency);
        Assert.Equal(BooleanType.T, engine.BoosterEnabled);
        Assert.Equal(BoostType.NITROUS, engine.Booster.BoostType);
        Assert.Equal(200, engine.Booster.HorsePower);

        var fuel = car.ReadFuelFigures();
        Assert.Equal(3, fuel.Count);
        var fuelFigures = new List<(ushort, float, string)>();
        while (fuel.Next())
        {
            fuelFigures.Add((fuel.Speed, fuel.Mpg, BaselineCar.Text(fuel.ReadUsageDescription())));
        }

        Assert.Equal([(30, 35.9f, "Urban Cycle"), (55, 49.0f, "Combined Cycle"), (75, 40.0f, "Highway Cycle")], fuelFigures);

        var performance = car.ReadPerformanceFigures();
        var accelerations = new List<(byte, ushort, float)>();
        while (performance.Next())
        {
            var octane = performance.OctaneRating;
            var acceleration = performance.ReadAcceleration();
            while (acceleration.Next())
            {
                accelerations.Add((octane, acceleration.Mph, acceleration.Seconds));
            }
        }

        Assert.Equal(
            [(95, 30, 4.0f), (95, 60, 7.5f), (95, 100, 12.2f), (99, 30, 3.8f), (99, 60, 7.1f), (99, 100, 11.8f)],
            accelerations);

        Assert.Equal("Honda", BaselineCar.Text(car.ReadManufacturer()));
        Assert.Equal("Civic VTi", BaselineCar.Text(car.ReadModel()));
        Assert.Equal("abcdef", BaselineCar.Text(car.ReadActivationCode()));
        Assert.Equal(207, car.Limit);
        Assert.Equal(207 - MessageHeaderDecoder.EncodedLength, car.EncodedLength);

        static uint SomeNumber(int i) => CarDecoder.WrapWithHeader(Vectors.Baseline).SomeNumbers(i);
    }

    [Fact]
    public void Encoding_the_listed_values_reproduces_the_reference_bytes()
    {
        var buffer = new byte[512];
        var length = BaselineCar.Encode(buffer);
        Assert.Equal(207, length);
        Assert.Equal(Vectors.Baseline, buffer[..length]);
    }

    [Fact]
    public void Encoding_into_a_dirty_buffer_gives_the_same_bytes()
    {
        var buffer = Enumerable.Repeat((byte)0xAB, 512).ToArray();
        var length = BaselineCar.Encode(buffer);
        Assert.Equal(Vectors.Baseline, buffer[..length]);
    }

    [Fact]
    public void ToString_shows_the_whole_message_without_moving_the_decoder()
    {
        var car = CarDecoder.WrapWithHeader(Vectors.Baseline);
        var text = car.ToString();
        Assert.Contains("serialNumber=1234", text);
        Assert.Contains("vehicleCode=abcdef", text);
        Assert.Contains("fuel=Petrol", text);
        Assert.Contains("usageDescription=Highway Cycle", text);
        Assert.Contains("octaneRating=99", text);
        Assert.Contains("activationCode=abcdef", text);
        Assert.Equal(CarDecoder.BlockLength + MessageHeaderDecoder.EncodedLength, car.Limit);
        Assert.Equal(3, car.ReadFuelFigures().Count);
    }

    [Fact]
    public void Read_all_walks_to_the_end_of_the_message()
    {
        BaselineCar.ReadAll(Vectors.Baseline, out var limit);
        Assert.Equal(207, limit);
    }
}
