// BenchmarkDotNet entry: `dotnet run -c Release -- --filter '*'` or a suite name.
using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
