// The Car of Vectors/README.md, written and read through the generated baseline codecs. Tests share these
// so that "encode the listed values" and "read the whole message" mean the same thing everywhere.
using System.Text;
using Baseline;

namespace Exchange.Codecs.Tests;

internal static class BaselineCar
{
    public static int Encode(Span<byte> buffer)
    {
        var car = CarEncoder.WrapAndApplyHeader(buffer, 0);
        car.SerialNumber = 1234;
        car.ModelYear = 2013;
        car.Available = BooleanType.T;
        car.Code = Model.A;
        for (var i = 0; i < CarEncoder.SomeNumbersLength; i++)
        {
            car.SetSomeNumbers(i, (uint)(i + 1));
        }

        car.VehicleCode = "abcdef"u8;
        car.Extras = OptionalExtras.SportsPack | OptionalExtras.CruiseControl;

        var engine = car.Engine;
        engine.Capacity = 2000;
        engine.NumCylinders = 4;
        engine.ManufacturerCode = "123"u8;
        engine.Efficiency = 35;
        engine.BoosterEnabled = BooleanType.T;
        var booster = engine.Booster;
        booster.BoostType = BoostType.NITROUS;
        booster.HorsePower = 200;

        var fuel = car.FuelFiguresCount(3);
        fuel.Next();
        fuel.Speed = 30;
        fuel.Mpg = 35.9f;
        fuel.WriteUsageDescription("Urban Cycle"u8);
        fuel.Next();
        fuel.Speed = 55;
        fuel.Mpg = 49.0f;
        fuel.WriteUsageDescription("Combined Cycle"u8);
        fuel.Next();
        fuel.Speed = 75;
        fuel.Mpg = 40.0f;
        fuel.WriteUsageDescription("Highway Cycle"u8);

        var performance = car.PerformanceFiguresCount(2);
        performance.Next();
        performance.OctaneRating = 95;
        var acceleration = performance.AccelerationCount(3);
        acceleration.Next();
        acceleration.Mph = 30;
        acceleration.Seconds = 4.0f;
        acceleration.Next();
        acceleration.Mph = 60;
        acceleration.Seconds = 7.5f;
        acceleration.Next();
        acceleration.Mph = 100;
        acceleration.Seconds = 12.2f;
        performance.Next();
        performance.OctaneRating = 99;
        acceleration = performance.AccelerationCount(3);
        acceleration.Next();
        acceleration.Mph = 30;
        acceleration.Seconds = 3.8f;
        acceleration.Next();
        acceleration.Mph = 60;
        acceleration.Seconds = 7.1f;
        acceleration.Next();
        acceleration.Mph = 100;
        acceleration.Seconds = 11.8f;

        car.WriteManufacturer("Honda"u8);
        car.WriteModel("Civic VTi"u8);
        car.WriteActivationCode("abcdef"u8);
        return car.Limit;
    }

    // Touches every field, entry and var data of a message in schema order, without allocating, and returns
    // a checksum so the reads cannot be optimised away. Returns the end of the message.
    public static long ReadAll(ReadOnlySpan<byte> buffer, out int limit)
    {
        var car = CarDecoder.WrapWithHeader(buffer);
        long sum = (long)car.SerialNumber + car.ModelYear + (long)car.Available + (long)car.Code + (long)car.Extras + (long)car.DiscountedModel;
        for (var i = 0; i < CarDecoder.SomeNumbersLength; i++)
        {
            sum += car.SomeNumbers(i);
        }

        sum += car.VehicleCode[0];
        var engine = car.Engine;
        sum += engine.Capacity + engine.NumCylinders + engine.MaxRpm + engine.ManufacturerCode[2] + engine.Fuel.Length + engine.Efficiency
            + (long)engine.BoosterEnabled + (long)engine.Booster.BoostType + engine.Booster.HorsePower;

        var fuel = car.ReadFuelFigures();
        while (fuel.Next())
        {
            sum += fuel.Speed + (long)fuel.Mpg + fuel.ReadUsageDescription().Length;
        }

        var performance = car.ReadPerformanceFigures();
        while (performance.Next())
        {
            sum += performance.OctaneRating;
            var acceleration = performance.ReadAcceleration();
            while (acceleration.Next())
            {
                sum += acceleration.Mph + (long)acceleration.Seconds;
            }
        }

        sum += car.ReadManufacturer().Length + car.ReadModel().Length + car.ReadActivationCode().Length;
        limit = car.Limit;
        return sum;
    }

    public static string Text(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
