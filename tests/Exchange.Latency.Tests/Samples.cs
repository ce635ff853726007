// Seeded latency samples shaped like real ones, recorded into the histograms the reports are drawn from.
using HdrHistogram;
namespace Exchange.Latency.Tests;

internal static class Samples
{
    public const string Uniform = "uniform 1 ns..1 ms";
    public const string LogUniform = "log-uniform 1 ns..10 s";
    public const string LogNormal = "log-normal around 20 µs";
    public const string Bimodal = "bimodal 5 µs and 2 ms";
    public const string SmallIntegers = "0..100 ns";

    public static long[] Draw(string distribution, int count, int seed)
    {
        var random = new Random(seed);
        var values = new long[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = distribution switch
            {
                Uniform => random.NextInt64(1, 1_000_001),
                LogUniform => Math.Max(1, (long)Math.Exp(random.NextDouble() * Math.Log(1e10))),
                LogNormal => Math.Clamp((long)(20_000 * Math.Exp(1.2 * Gaussian(random))), 1, 3_600_000_000_000L),
                Bimodal => random.Next(10) < 9 ? random.NextInt64(5_000, 7_000) : random.NextInt64(1_000_000, 3_000_000),
                SmallIntegers => random.NextInt64(0, 101),
                _ => throw new ArgumentOutOfRangeException(nameof(distribution), distribution, null),
            };
        }
        return values;
    }

    public static LongHistogram Histogram(IEnumerable<long> values)
    {
        var histogram = LatencyHistograms.New();
        foreach (long value in values) histogram.RecordValue(value);
        return histogram;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
