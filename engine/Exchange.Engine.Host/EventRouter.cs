// Where each event of a command goes. The engine writes its events, SBE-encoded and stamped with the command's
// sequence and timestamp, into one buffer (SbeEventWriter); this routes them: an account's events to that account's
// session, the public ones (book, best bid and offer, trades, symbol status) to market data, and, for a command an
// operator sent, every event to that operator's session too, so an administrative action is answered.
using System.Buffers.Binary;

namespace Exchange.Engine.Host;

internal sealed class EventRouter(SessionTable sessions, Outbound outbound, EngineMetrics metrics)
{
    private const int HeaderLength = MessageHeaderDecoder.EncodedLength;

    /// <summary>Routes every message in <paramref name="written"/> (length-prefixed, as SbeEventWriter writes them),
    /// all derived from command <paramref name="sequence"/>; <paramref name="operatorConnection"/> (or -1) gets them all.</summary>
    public void Route(ReadOnlySpan<byte> written, long sequence, int operatorConnection)
    {
        while (!written.IsEmpty)
        {
            int length = BinaryPrimitives.ReadInt32LittleEndian(written);
            var message = written.Slice(SbeEventWriter.LengthPrefix, length);
            written = written[(SbeEventWriter.LengthPrefix + length)..];
            int to = -1;
            switch (DestinationOf(message, metrics, out long account))
            {
                case Destination.Account:
                    if (sessions.TryGetByAccount(account, out int connection))
                    {
                        outbound.Route(connection, sequence, message);
                        to = connection;
                    }
                    break;
                case Destination.MarketData:
                    outbound.RouteMarketData(sequence, message);
                    break;
            }
            if (operatorConnection >= 0 && operatorConnection != to) outbound.Route(operatorConnection, sequence, message);
        }
    }

    private enum Destination { Nowhere, Account, MarketData }

    /// <summary>Where an event goes: its account's session, or market data. Rejects of symbol administration name no
    /// account and go nowhere (but to the operator who sent them).</summary>
    private static Destination DestinationOf(ReadOnlySpan<byte> message, EngineMetrics metrics, out long account)
    {
        account = 0;
        switch (MessageHeaderDecoder.Wrap(message, 0).TemplateId)
        {
            case OrderAcceptedDecoder.TemplateId: account = OrderAcceptedDecoder.WrapWithHeader(message).Account; return Destination.Account;
            case FillDecoder.TemplateId: account = FillDecoder.WrapWithHeader(message).Account; return Destination.Account;
            case OrderCancelledDecoder.TemplateId: account = OrderCancelledDecoder.WrapWithHeader(message).Account; return Destination.Account;
            case OrderReplacedDecoder.TemplateId: account = OrderReplacedDecoder.WrapWithHeader(message).Account; return Destination.Account;
            case OrderReducedDecoder.TemplateId: account = OrderReducedDecoder.WrapWithHeader(message).Account; return Destination.Account;
            case BalanceChangedDecoder.TemplateId: account = BalanceChangedDecoder.WrapWithHeader(message).Account; return Destination.Account;
            case MassCancelReportDecoder.TemplateId: account = MassCancelReportDecoder.WrapWithHeader(message).Account; return Destination.Account;
            case AccountAddedDecoder.TemplateId: account = AccountAddedDecoder.WrapWithHeader(message).Account; return Destination.Account;
            case AccountPermissionChangedDecoder.TemplateId: account = AccountPermissionChangedDecoder.WrapWithHeader(message).Account; return Destination.Account;
            // A stop's trigger is its owner's business, not the market's: it names the account and the client order id.
            case StopTriggeredDecoder.TemplateId: account = StopTriggeredDecoder.WrapWithHeader(message).Account; return Destination.Account;
            case CommandRejectedDecoder.TemplateId:
                var reject = CommandRejectedDecoder.WrapWithHeader(message);
                metrics.Reject(reject.Reason);
                if (reject.Command is CommandKind.AddSymbol or CommandKind.HaltSymbol or CommandKind.ResumeSymbol) return Destination.Nowhere;
                account = reject.Account;
                return Destination.Account;
            default:
                return Destination.MarketData;
        }
    }
}
