// Where each event of a command goes. The engine writes its events, SBE-encoded and stamped with the command's
// sequence and timestamp, into one buffer (SbeEventWriter), which notes each one's route as it writes it; this routes
// them: an account's events to that account's session, the public ones (book, best bid and offer, trades, symbol
// status) to market data, and, for a command an operator sent, every event to that operator's session too, so an
// administrative action is answered. (Decoding each message again to find its account was a tenth of the live path's
// time, perf/results/2026-12-07-live-lookahead.)
using System.Buffers.Binary;

namespace Exchange.Engine.Host;

internal sealed class EventRouter(SessionTable sessions, Outbound outbound, EngineMetrics metrics)
{
    private const int HeaderLength = MessageHeaderDecoder.EncodedLength;

    /// <summary>Routes every message <paramref name="output"/> wrote (length-prefixed, each with its route), all derived
    /// from command <paramref name="sequence"/>; <paramref name="operatorConnection"/> (or -1) gets them all.</summary>
    public void Route(in SbeEventWriter output, long sequence, int operatorConnection)
    {
        var written = output.Written;
        var routes = output.Routes;
        for (int i = 0; !written.IsEmpty; i++)
        {
            int length = BinaryPrimitives.ReadInt32LittleEndian(written);
            var message = written.Slice(SbeEventWriter.LengthPrefix, length);
            written = written[(SbeEventWriter.LengthPrefix + length)..];
            long route = routes[i];
            int to = -1;
            if (route == SbeEventWriter.MarketWide) outbound.RouteMarketData(sequence, message);
            else
            {
                if (MessageHeaderDecoder.Wrap(message, 0).TemplateId == CommandRejectedDecoder.TemplateId)
                    metrics.Reject(CommandRejectedDecoder.WrapWithHeader(message).Reason);
                if (route != SbeEventWriter.NoAccount && sessions.TryGetByAccount(route, out int connection))
                {
                    outbound.Route(connection, sequence, message);
                    to = connection;
                }
            }
            if (operatorConnection >= 0 && operatorConnection != to) outbound.Route(operatorConnection, sequence, message);
        }
    }
}
