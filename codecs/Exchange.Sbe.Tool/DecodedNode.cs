// What the schema-driven decoder produces: a small tree of named values, rendered as text or JSON.
namespace Exchange.Sbe.Tool;

internal abstract record DecodedNode(string Name);

/// <summary>A leaf. <paramref name="Text"/> is null for an SBE null value; numbers render unquoted in JSON.</summary>
internal sealed record DecodedScalar(string Name, string? Text, bool IsNumber) : DecodedNode(Name);

internal sealed record DecodedObject(string Name, List<DecodedNode> Members) : DecodedNode(Name);

internal sealed record DecodedList(string Name, List<DecodedNode> Items) : DecodedNode(Name);
