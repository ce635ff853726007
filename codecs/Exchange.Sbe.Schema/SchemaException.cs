// The one error a schema can produce: the message names the element (and its line when known) so a schema
// author can find the mistake without reading the parser.
using System;

namespace Exchange.Sbe.Schema
{
    public sealed class SchemaException : Exception
    {
        public SchemaException(string message, int line = 0, Exception? inner = null) : base(message, inner)
        {
            Line = line;
        }

        // 1-based line of the offending element in the document it came from; 0 when unknown.
        public int Line { get; }
    }
}
