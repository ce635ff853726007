// Positional records need this marker type, which netstandard2.0 (the source generator's target) lacks.
#if !NET5_0_OR_GREATER
namespace System.Runtime.CompilerServices
{
    internal static class IsExternalInit
    {
    }
}
#endif
