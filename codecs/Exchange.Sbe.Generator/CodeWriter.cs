// Indented text for generated sources: Open/Close keep braces and indentation in step so emitters read like
// the code they write.
using System.Text;

namespace Exchange.Sbe.Generator
{
    internal sealed class CodeWriter
    {
        private readonly StringBuilder _text = new StringBuilder();
        private int _depth;

        public CodeWriter Line(string line = "")
        {
            if (line.Length > 0)
            {
                _text.Append(' ', _depth * 4);
            }

            _text.Append(line).Append('\n');
            return this;
        }

        public CodeWriter Open(string header)
        {
            Line(header);
            Line("{");
            _depth++;
            return this;
        }

        public CodeWriter Close(string suffix = "")
        {
            _depth--;
            return Line("}" + suffix);
        }

        // A one-statement if block and the blank line after it: the shape of every bounds and version check.
        public CodeWriter Guard(string condition, string statement)
        {
            Open($"if ({condition})");
            Line(statement);
            Close();
            return Line();
        }

        public override string ToString() => _text.ToString();
    }
}
