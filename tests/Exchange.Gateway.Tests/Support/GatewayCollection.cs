// The test classes that share one engine and gateway (GatewayFixture), run one after another.
namespace Exchange.Gateway.Tests;

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gateway";
}
