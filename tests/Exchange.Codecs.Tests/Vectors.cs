// The reference implementation's encoded Car messages, copied next to the test assembly by the csproj.
namespace Exchange.Codecs.Tests;

internal static class Vectors
{
    public static byte[] Baseline => Read("car_example_baseline_data.sbe");

    public static byte[] Extension => Read("car_example_extension_data.sbe");

    private static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Vectors", name));
}
