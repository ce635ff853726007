// The values FIX 4.4 fixes for the fields of the messages we use (session, order entry, execution reports).
// Open-ended code lists (SecurityType, StipulationType, …) and ones with user-defined ranges
// (PartySubIDType ≥ 4000, TargetStrategy ≥ 1000) and SettlType (which also takes tenors) are not checked.
namespace Exchange.Fix;

internal static class Fix44Enums
{
    /// <summary>Space-separated allowed values, or empty when the tag's values are not restricted.</summary>
    public static ReadOnlySpan<byte> Values(int tag) => tag switch
    {
        13 => "1 2 3 4 5 6"u8,                                                                  // CommType
        18 => "0 1 2 3 4 5 6 7 8 9 A a B b c C d D E e F G H I J K L M N O P Q R S U V W X Y Z"u8, // ExecInst
        21 => "1 2 3"u8,                                                                        // HandlInst
        22 => "1 2 3 4 5 6 7 8 9 A B C D E F G H I J"u8,                                        // SecurityIDSource
        29 => "1 2 3 4"u8,                                                                      // LastCapacity
        39 => "0 1 2 3 4 6 7 8 9 A B C D E"u8,                                                  // OrdStatus
        40 => "1 2 3 4 5 6 7 8 9 A B C D E F G H I J K L M P"u8,                                // OrdType
        54 => "1 2 3 4 5 6 7 8 9 A B C D E F G"u8,                                              // Side
        59 => "0 1 2 3 4 5 6 7"u8,                                                              // TimeInForce
        77 => "C F O R"u8,                                                                      // PositionEffect
        81 => "0 1 2 3 4 5 6"u8,                                                                // ProcessCode
        98 => "0 1 2 3 4 5 6"u8,                                                                // EncryptMethod
        102 => "0 1 2 3 4 5 6 99"u8,                                                            // CxlRejReason
        103 => "0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 99"u8,                                    // OrdRejReason
        139 => "1 2 3 4 5 6 7 8 9 10 11 12"u8,                                                  // MiscFeeType
        150 => "0 3 4 5 6 7 8 9 A B C D E F G H I"u8,                                           // ExecType
        156 => "M D"u8,                                                                         // SettlCurrFxRateCalc
        203 => "0 1"u8,                                                                         // CoveredOrUncovered
        373 => "0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 99"u8,                              // SessionRejectReason
        378 => "0 1 2 3 4 5 6 7 8 9 10 99"u8,                                                   // ExecRestatementReason
        380 => "0 1 2 3 4 5 6 7"u8,                                                             // BusinessRejectReason
        385 => "R S"u8,                                                                         // MsgDirection
        388 => "0 1 2 3 4 5 6"u8,                                                               // DiscretionInst
        423 => "1 2 3 4 5 6 7 8 9 10 11"u8,                                                     // PriceType
        427 => "0 1 2"u8,                                                                       // GTBookingInst
        434 => "1 2"u8,                                                                         // CxlRejResponseTo
        442 => "1 2 3"u8,                                                                       // MultiLegReportingType
        447 => "1 2 3 4 5 6 7 8 9 A B C D E F G H I"u8,                                         // PartyIDSource
        452 => "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39"u8, // PartyRole
        460 => "1 2 3 4 5 6 7 8 9 10 11 12 13"u8,                                               // Product
        468 => "0 1 2"u8,                                                                       // RoundingDirection
        480 => "M N O Y"u8,                                                                     // CancellationRights
        481 => "1 2 3 N Y"u8,                                                                   // MoneyLaunderingStatus
        497 => "N Y"u8,                                                                         // FundRenewWaiv
        519 => "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15"u8,                                         // ContAmtType
        528 => "A G I P R W"u8,                                                                 // OrderCapacity
        529 => "1 2 3 4 5 6 7 8 9 A"u8,                                                         // OrderRestrictions
        530 => "1 2 3 4 5 6 7"u8,                                                               // MassCancelRequestType
        531 => "0 1 2 3 4 5 6 7"u8,                                                             // MassCancelResponse
        532 => "0 1 2 3 4 5 6 99"u8,                                                            // MassCancelRejectReason
        544 => "1 2 3"u8,                                                                       // CashMargin
        581 => "1 2 3 4 6 7 8"u8,                                                               // AccountType
        582 => "1 2 3 4"u8,                                                                     // CustOrderCapacity
        589 => "0 1 2"u8,                                                                       // DayBookingInst
        590 => "0 1 2"u8,                                                                       // BookingUnit
        591 => "0 1"u8,                                                                         // PreallocMethod
        638 => "0 1"u8,                                                                         // PriorityIndicator
        660 => "1 2 3 4 5 99"u8,                                                                // AcctIDSource
        690 => "1 2 4 5"u8,                                                                     // LegSwapType
        775 => "0 1 2"u8,                                                                       // BookingType
        788 => "1 2 3 4"u8,                                                                     // TerminationType
        835 => "0 1"u8,                                                                         // PegMoveType
        836 => "0 1 2 3"u8,                                                                     // PegOffsetType
        837 => "0 1 2"u8,                                                                       // PegLimitType
        838 => "1 2"u8,                                                                         // PegRoundDirection
        840 => "1 2 3 4"u8,                                                                     // PegScope
        841 => "0 1"u8,                                                                         // DiscretionMoveType
        842 => "0 1 2 3"u8,                                                                     // DiscretionOffsetType
        843 => "0 1 2"u8,                                                                       // DiscretionLimitType
        844 => "1 2"u8,                                                                         // DiscretionRoundDirection
        846 => "1 2 3 4"u8,                                                                     // DiscretionScope
        851 => "1 2 3"u8,                                                                       // LastLiquidityInd
        854 => "0 1"u8,                                                                         // QtyType
        865 => "1 2 3 4 99"u8,                                                                  // EventType
        875 => "1 2 99"u8,                                                                      // CPProgram
        891 => "0 1 2"u8,                                                                       // MiscFeeBasis
        919 => "0 1 2 3"u8,                                                                     // DeliveryType
        _ => default,
    };

    private static readonly AllowedValues?[] ByTag = Build();

    /// <summary>Whether <paramref name="value"/> is allowed; a MultipleValueString's space-separated values
    /// must each be allowed.</summary>
    public static bool IsAllowed(int tag, FixFieldType type, ReadOnlySpan<byte> value)
    {
        var allowed = (uint)tag < (uint)ByTag.Length ? ByTag[tag] : null;
        if (allowed is null) return true;
        if (type != FixFieldType.MultipleValueString) return allowed.Contains(value);
        while (true)
        {
            int space = value.IndexOf((byte)' ');
            if (!allowed.Contains(space < 0 ? value : value[..space])) return false;
            if (space < 0) return true;
            value = value[(space + 1)..];
        }
    }

    private static AllowedValues?[] Build()
    {
        var byTag = new AllowedValues?[Fix44FieldTypes.MaxTag + 1];
        for (int tag = 1; tag < byTag.Length; tag++)
        {
            var values = Values(tag);
            if (values.IsEmpty) continue;
            var set = new AllowedValues();
            foreach (var range in values.Split((byte)' ')) set.Add(values[range]);
            byTag[tag] = set;
        }
        return byTag;
    }

    // Most enumerations are single ASCII characters, tested as bits; the rest ("10", "99", …) are compared.
    private sealed class AllowedValues
    {
        private ulong _low;
        private ulong _high;
        private readonly List<byte[]> _longer = [];

        public void Add(ReadOnlySpan<byte> value)
        {
            if (value.Length == 1 && value[0] < 128) SetBit(value[0]);
            else _longer.Add(value.ToArray());
        }

        public bool Contains(ReadOnlySpan<byte> value)
        {
            if (value.Length == 1)
            {
                byte b = value[0];
                return b < 64 ? (_low >> b & 1) != 0 : b < 128 && (_high >> (b - 64) & 1) != 0;
            }
            foreach (var candidate in _longer)
                if (candidate.AsSpan().SequenceEqual(value)) return true;
            return false;
        }

        private void SetBit(byte b)
        {
            if (b < 64) _low |= 1UL << b;
            else _high |= 1UL << (b - 64);
        }
    }
}
