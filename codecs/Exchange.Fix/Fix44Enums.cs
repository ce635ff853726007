// The values FIX 4.4 fixes for every enumerated field of its dictionary; a value outside them is rejected with
// reason 5. Boolean fields are checked by their format (Y/N) and MsgType by its own rule (reason 11). Where the
// specification leaves a range to the counterparties (PartySubIDType ≥ 4000, TargetStrategy ≥ 1000), those numbers
// are allowed too.
namespace Exchange.Fix;

internal static class Fix44Enums
{
    /// <summary>Space-separated allowed values, or empty when the tag's values are not restricted.</summary>
    public static ReadOnlySpan<byte> Values(int tag) => tag switch
    {
        4 => "B S X T"u8,                                                                       // AdvSide
        5 => "N C R"u8,                                                                         // AdvTransType
        13 => "1 2 3 4 5 6"u8,                                                                  // CommType
        18 => "0 1 2 3 4 5 6 7 8 9 A a B b c C d D E e F G H I J K L M N O P Q R S U V W X Y Z"u8, // ExecInst
        21 => "1 2 3"u8,                                                                        // HandlInst
        22 => "1 2 3 4 5 6 7 8 9 A B C D E F G H I J"u8,                                        // SecurityIDSource
        25 => "L M H"u8,                                                                        // IOIQltyInd
        27 => "S M L"u8,                                                                        // IOIQty
        28 => "N C R"u8,                                                                        // IOITransType
        29 => "1 2 3 4"u8,                                                                      // LastCapacity
        39 => "0 1 2 3 4 6 7 8 9 A B C D E"u8,                                                  // OrdStatus
        40 => "1 2 3 4 5 6 7 8 9 A B C D E F G H I J K L M P"u8,                                // OrdType
        54 => "1 2 3 4 5 6 7 8 9 A B C D E F G"u8,                                              // Side
        59 => "0 1 2 3 4 5 6 7"u8,                                                              // TimeInForce
        61 => "0 1 2"u8,                                                                        // Urgency
        63 => "0 1 2 3 4 5 6 7 8 9"u8,                                                          // SettlType
        71 => "0 1 2"u8,                                                                        // AllocTransType
        77 => "C F O R"u8,                                                                      // PositionEffect
        81 => "0 1 2 3 4 5 6"u8,                                                                // ProcessCode
        87 => "0 1 2 3 4 5"u8,                                                                  // AllocStatus
        88 => "0 1 2 3 4 5 6 7 8 9 10 11 12 13"u8,                                              // AllocRejCode
        94 => "0 1 2"u8,                                                                        // EmailType
        98 => "0 1 2 3 4 5 6"u8,                                                                // EncryptMethod
        102 => "0 1 2 3 4 5 6 99"u8,                                                            // CxlRejReason
        103 => "0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 99"u8,                                    // OrdRejReason
        104 => "A B C D I L M O P Q R S T V W X Y Z"u8,                                         // IOIQualifier
        127 => "A B C D E F Z"u8,                                                               // DKReason
        139 => "1 2 3 4 5 6 7 8 9 10 11 12"u8,                                                  // MiscFeeType
        150 => "0 3 4 5 6 7 8 9 A B C D E F G H I"u8,                                           // ExecType
        156 => "M D"u8,                                                                         // SettlCurrFxRateCalc
        160 => "1 4 5"u8,                                                                       // SettlInstMode
        163 => "N C R T"u8,                                                                     // SettlInstTransType
        165 => "1 2 3"u8,                                                                       // SettlInstSource
        167 => "FUT OPT EUSUPRA FAC FADN PEF SUPRA CORP CPP CB DUAL EUCORP XLINKD STRUCT YANK FOR CS PS BRADY EUSOV TBOND TINT TIPS TCAL TPRN UST USTB TNOTE TBILL REPO FORWARD BUYSELL SECLOAN SECPLEDGE TERM RVLV RVLVTRM BRIDGE LOFC SWING DINP DEFLTED WITHDRN REPLACD MATURED AMENDED RETIRED BA BN BOX CD CL CP DN EUCD EUCP LQN MTN ONITE PN PZFJ STN TD XCN YCD ABS CMBS CMO IET MBS MIO MPO MPP MPT PFAND TBA AN COFO COFP GO MT RAN REV SPCLA SPCLO SPCLT TAN TAXA TECP TRAN VRDN WAR MF MLEG NONE"u8, // SecurityType
        169 => "0 1 2 3 4"u8,                                                                   // StandInstDbType
        172 => "0 1 2 3"u8,                                                                     // SettlDeliveryType
        197 => "0 1"u8,                                                                         // AllocLinkType
        201 => "0 1"u8,                                                                         // PutOrCall
        203 => "0 1"u8,                                                                         // CoveredOrUncovered
        209 => "1 2 3"u8,                                                                       // AllocHandlInst
        216 => "1 2 3 4"u8,                                                                     // RoutingType
        233 => "AMT AUTOREINV BANKQUAL BGNCON COUPON CURRENCY CUSTOMDATE GEOG HAIRCUT INSURED ISSUE ISSUER ISSUESIZE LOOKBACK LOT LOTVAR MAT MATURITY MAXSUBS MINQTY MININCR MINDNOM PAYFREQ PIECES PMAX PPM PPL PPT PRICE PRICEFREQ PROD PROTECT PURPOSE PXSOURCE RATING REDEMPTION RESTRICTED SECTOR SECTYPE STRUCT SUBSFREQ SUBSLEFT TEXT TRDVAR WAC WAL WALA WAM WHOLE YIELD"u8, // StipulationType
        235 => "AFTERTAX ANNUAL ATISSUE AVGMATURITY BOOK CALL CHANGE CLOSE COMPOUND CURRENT GROSS GOVTEQUIV INFLATION INVERSEFLOATER LASTCLOSE LASTMONTH LASTQUARTER LASTYEAR LONGAVGLIFE MARK MATURITY NEXTREFUND OPENAVG PUT PREVCLOSE PROCEEDS SEMIANNUAL SHORTAVGLIFE SIMPLE TAXEQUIV TENDER TRUE VALUE1/32 WORST"u8, // YieldType
        263 => "0 1 2"u8,                                                                       // SubscriptionRequestType
        265 => "0 1"u8,                                                                         // MDUpdateType
        269 => "0 1 2 3 4 5 6 7 8 9 A B C"u8,                                                   // MDEntryType
        274 => "0 1 2 3"u8,                                                                     // TickDirection
        276 => "A B C D E F G H I"u8,                                                           // QuoteCondition
        277 => "A B C D E F G H I J K L M N P Q R"u8,                                           // TradeCondition
        279 => "0 1 2"u8,                                                                       // MDUpdateAction
        281 => "0 1 2 3 4 5 6 7 8 9 A B C"u8,                                                   // MDReqRejReason
        285 => "0 1"u8,                                                                         // DeleteReason
        286 => "0 1 2 3 4 5"u8,                                                                 // OpenCloseSettlFlag
        291 => "1 2"u8,                                                                         // FinancialStatus
        292 => "A B C D E"u8,                                                                   // CorporateAction
        297 => "0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15"u8,                                       // QuoteStatus
        298 => "1 2 3 4"u8,                                                                     // QuoteCancelType
        300 => "1 2 3 4 5 6 7 8 9 99"u8,                                                        // QuoteRejectReason
        301 => "0 1 2"u8,                                                                       // QuoteResponseLevel
        303 => "1 2"u8,                                                                         // QuoteRequestType
        321 => "0 1 2 3"u8,                                                                     // SecurityRequestType
        323 => "1 2 5 6"u8,                                                                     // SecurityResponseType
        326 => "1 2 3 4 5 6 7 8 9 10 12 13 14 15 16 17 18 19 20 21 22 23"u8,                    // SecurityTradingStatus
        327 => "I X P D E M"u8,                                                                 // HaltReasonChar
        334 => "1 2 3"u8,                                                                       // Adjustment
        338 => "1 2 3"u8,                                                                       // TradSesMethod
        339 => "1 2 3"u8,                                                                       // TradSesMode
        340 => "0 1 2 3 4 5 6"u8,                                                               // TradSesStatus
        347 => "ISO-2022-JP EUC-JP Shift_JIS UTF-8"u8,                                          // MessageEncoding
        373 => "0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 99"u8,                              // SessionRejectReason
        374 => "N C"u8,                                                                         // BidRequestTransType
        378 => "0 1 2 3 4 5 6 7 8 9 10 99"u8,                                                   // ExecRestatementReason
        380 => "0 1 2 3 4 5 6 7"u8,                                                             // BusinessRejectReason
        385 => "R S"u8,                                                                         // MsgDirection
        388 => "0 1 2 3 4 5 6"u8,                                                               // DiscretionInst
        394 => "1 2 3"u8,                                                                       // BidType
        399 => "1 2 3"u8,                                                                       // BidDescriptorType
        401 => "1 2"u8,                                                                         // SideValueInd
        409 => "1 2 3 4"u8,                                                                     // LiquidityIndType
        414 => "1 2 3"u8,                                                                       // ProgRptReqs
        416 => "1 2"u8,                                                                         // IncTaxInd
        418 => "R G A J"u8,                                                                     // BidTradeType
        419 => "2 3 4 5 6 7 8 9 A B C D Z"u8,                                                   // BasisPxType
        423 => "1 2 3 4 5 6 7 8 9 10 11"u8,                                                     // PriceType
        427 => "0 1 2"u8,                                                                       // GTBookingInst
        429 => "1 2 3 4 5 6"u8,                                                                 // ListStatusType
        430 => "1 2"u8,                                                                         // NetGrossInd
        431 => "1 2 3 4 5 6 7"u8,                                                               // ListOrderStatus
        433 => "1 2 3 4 5"u8,                                                                   // ListExecInstType
        434 => "1 2"u8,                                                                         // CxlRejResponseTo
        442 => "1 2 3"u8,                                                                       // MultiLegReportingType
        447 => "1 2 3 4 5 6 7 8 9 A B C D E F G H I"u8,                                         // PartyIDSource
        452 => "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39"u8, // PartyRole
        460 => "1 2 3 4 5 6 7 8 9 10 11 12 13"u8,                                               // Product
        468 => "0 1 2"u8,                                                                       // RoundingDirection
        477 => "1 2 3 4 5 6 7 8 9 10 11 12"u8,                                                  // DistribPaymentMethod
        480 => "M N O Y"u8,                                                                     // CancellationRights
        481 => "1 2 3 N Y"u8,                                                                   // MoneyLaunderingStatus
        484 => "B C D E O P Q S"u8,                                                             // ExecPriceType
        492 => "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15"u8,                                         // PaymentMethod
        495 => "0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29"u8, // TaxAdvantageType
        497 => "N Y"u8,                                                                         // FundRenewWaiv
        506 => "A R H N"u8,                                                                     // RegistStatus
        507 => "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 99"u8,                             // RegistRejReasonCode
        514 => "0 1 2"u8,                                                                       // RegistTransType
        517 => "J T 2"u8,                                                                       // OwnershipType
        519 => "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15"u8,                                         // ContAmtType
        522 => "1 2 3 4 5 6 7 8 9 10 11 12 13"u8,                                               // OwnerType
        528 => "A G I P R W"u8,                                                                 // OrderCapacity
        529 => "1 2 3 4 5 6 7 8 9 A"u8,                                                         // OrderRestrictions
        530 => "1 2 3 4 5 6 7"u8,                                                               // MassCancelRequestType
        531 => "0 1 2 3 4 5 6 7"u8,                                                             // MassCancelResponse
        532 => "0 1 2 3 4 5 6 99"u8,                                                            // MassCancelRejectReason
        537 => "0 1 2 3"u8,                                                                     // QuoteType
        544 => "1 2 3"u8,                                                                       // CashMargin
        546 => "1 2 3"u8,                                                                       // Scope
        549 => "1 2 3 4"u8,                                                                     // CrossType
        550 => "0 1 2"u8,                                                                       // CrossPrioritization
        552 => "1 2"u8,                                                                         // NoSides
        559 => "0 1 2 3 4"u8,                                                                   // SecurityListRequestType
        560 => "0 1 2 3 4 5"u8,                                                                 // SecurityRequestResult
        563 => "0 1 2"u8,                                                                       // MultiLegRptTypeReq
        567 => "1 99"u8,                                                                        // TradSesStatusRejReason
        569 => "0 1 2 3 4"u8,                                                                   // TradeRequestType
        573 => "0 1 2"u8,                                                                       // MatchStatus
        574 => "A1 A2 A3 A4 A5 AQ S1 S2 S3 S4 S5 M1 M2 MT M3 M4 M5 M6"u8,                       // MatchType
        577 => "0 1 2 3 4 5 6 7 8 9 10 11 12 13"u8,                                             // ClearingInstruction
        581 => "1 2 3 4 6 7 8"u8,                                                               // AccountType
        582 => "1 2 3 4"u8,                                                                     // CustOrderCapacity
        585 => "1 2 3 4 5 6 7 8"u8,                                                             // MassStatusReqType
        589 => "0 1 2"u8,                                                                       // DayBookingInst
        590 => "0 1 2"u8,                                                                       // BookingUnit
        591 => "0 1"u8,                                                                         // PreallocMethod
        626 => "1 2 5 7 8"u8,                                                                   // AllocType
        635 => "B C E F H I L M 1 2 3 4 5 9"u8,                                                 // ClearingFeeIndicator
        638 => "0 1"u8,                                                                         // PriorityIndicator
        658 => "1 2 3 4 5 6 7 8 9 10 99"u8,                                                     // QuoteRequestRejectReason
        660 => "1 2 3 4 5 99"u8,                                                                // AcctIDSource
        665 => "1 2 3 4 5"u8,                                                                   // ConfirmStatus
        666 => "0 1 2"u8,                                                                       // ConfirmTransType
        668 => "1 2"u8,                                                                         // DeliveryForm
        690 => "1 2 4 5"u8,                                                                     // LegSwapType
        692 => "1 2 3 4 5 6 7 8 9 10"u8,                                                        // QuotePriceType
        694 => "1 2 3 4 5 6"u8,                                                                 // QuoteRespType
        703 => "TQ IAS IES FIN SOD EX AS TX TA PIT TRF ETR ALC PA ASF DLV TOT XM SPL"u8,        // PosType
        706 => "0 1 2"u8,                                                                       // PosQtyStatus
        707 => "FMTM IMTM TVAR SMTM PREM CRES CASH VADJ"u8,                                     // PosAmtType
        709 => "1 2 3 4 5"u8,                                                                   // PosTransType
        712 => "1 2 3"u8,                                                                       // PosMaintAction
        716 => "ITD RTH ETH"u8,                                                                 // SettlSessID
        718 => "0 1 2 3"u8,                                                                     // AdjustmentType
        722 => "0 1 2 3 4"u8,                                                                   // PosMaintStatus
        723 => "0 1 99"u8,                                                                      // PosMaintResult
        724 => "0 1 2 3"u8,                                                                     // PosReqType
        725 => "0 1"u8,                                                                         // ResponseTransportType
        728 => "0 1 2 3 4 99"u8,                                                                // PosReqResult
        729 => "0 1 2"u8,                                                                       // PosReqStatus
        731 => "1 2"u8,                                                                         // SettlPriceType
        744 => "R P"u8,                                                                         // AssignmentMethod
        747 => "A M"u8,                                                                         // ExerciseMethod
        749 => "0 1 2 3 4 5 8 9 99"u8,                                                          // TradeRequestResult
        750 => "0 1 2"u8,                                                                       // TradeRequestStatus
        751 => "0 1 2 3 4 99"u8,                                                                // TradeReportRejectReason
        752 => "1 2 3"u8,                                                                       // SideMultiLegReportingType
        770 => "1 2 3 4 5"u8,                                                                   // TrdRegTimestampType
        773 => "1 2 3"u8,                                                                       // ConfirmType
        774 => "1 2 99"u8,                                                                      // ConfirmRejReason
        775 => "0 1 2"u8,                                                                       // BookingType
        780 => "0 1 2 3 4"u8,                                                                   // AllocSettlInstType
        787 => "S C"u8,                                                                         // DlvyInstType
        788 => "1 2 3 4"u8,                                                                     // TerminationType
        792 => "0 1 2 99"u8,                                                                    // SettlInstReqRejCode
        794 => "3 4 5 8"u8,                                                                     // AllocReportType
        796 => "1 2 99"u8,                                                                      // AllocCancReplaceReason
        798 => "1 2 3 4 6 7 8"u8,                                                               // AllocAccountType
        803 => "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26"u8,        // PartySubIDType
        808 => "1 2 3 4 5 6"u8,                                                                 // AllocIntermedReqType
        814 => "0 1 2 3"u8,                                                                     // ApplQueueResolution
        815 => "0 1 2 3"u8,                                                                     // ApplQueueAction
        819 => "0 1 2"u8,                                                                       // AvgPxIndicator
        826 => "0 1 2"u8,                                                                       // TradeAllocIndicator
        827 => "0 1"u8,                                                                         // ExpirationCycle
        828 => "0 1 2 3 4 5 6 7 8 9 10"u8,                                                      // TrdType
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
        847 => "1 2 3"u8,                                                                       // TargetStrategy
        851 => "1 2 3"u8,                                                                       // LastLiquidityInd
        853 => "0 1 2 3 4 5"u8,                                                                 // ShortSaleReason
        854 => "0 1"u8,                                                                         // QtyType
        856 => "0 1 2 3 4 5 6 7"u8,                                                             // TradeReportType
        857 => "0 1"u8,                                                                         // AllocNoOrdersType
        865 => "1 2 3 4 99"u8,                                                                  // EventType
        871 => "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 99"u8,                 // InstrAttribType
        875 => "1 2 99"u8,                                                                      // CPProgram
        891 => "0 1 2"u8,                                                                       // MiscFeeBasis
        895 => "0 1 2 3 4 5 6 7"u8,                                                             // CollAsgnReason
        896 => "0 1 2 3 4 5 6 7"u8,                                                             // CollInquiryQualifier
        903 => "0 1 2 3 4"u8,                                                                   // CollAsgnTransType
        905 => "0 1 2 3"u8,                                                                     // CollAsgnRespType
        906 => "0 1 2 3 4 5 99"u8,                                                              // CollAsgnRejectReason
        910 => "0 1 2 3 4"u8,                                                                   // CollStatus
        919 => "0 1 2 3"u8,                                                                     // DeliveryType
        924 => "1 2 3 4"u8,                                                                     // UserRequestType
        926 => "1 2 3 4 5 6"u8,                                                                 // UserStatus
        928 => "1 2 3 4"u8,                                                                     // StatusValue
        935 => "1 2 4 8"u8,                                                                     // NetworkRequestType
        937 => "1 2"u8,                                                                         // NetworkStatusResponseType
        939 => "0 1"u8,                                                                         // TrdRptStatus
        940 => "1 2 3"u8,                                                                       // AffirmStatus
        944 => "0 1 2"u8,                                                                       // CollAction
        945 => "0 1 2 3 4"u8,                                                                   // CollInquiryStatus
        946 => "0 1 2 3 4 5 6 7 8 9 99"u8,                                                      // CollInquiryResult
        _ => default,
    };

    private static readonly AllowedValues?[] ByTag = Build();

    /// <summary>Whether <paramref name="value"/> is allowed; a MultipleValueString's space-separated values
    /// must each be allowed.</summary>
    public static bool IsAllowed(int tag, FixFieldType type, ReadOnlySpan<byte> value)
    {
        var allowed = (uint)tag < (uint)ByTag.Length ? ByTag[tag] : null;
        if (allowed is null) return true;
        if (type != FixFieldType.MultipleValueString)
            return allowed.Contains(value) || (FirstUserDefinedValue(tag) is > 0 and var first && FixValue.TryParseInt(value, out int number) && number >= first);
        while (true)
        {
            int space = value.IndexOf((byte)' ');
            if (!allowed.Contains(space < 0 ? value : value[..space])) return false;
            if (space < 0) return true;
            value = value[(space + 1)..];
        }
    }

    /// <summary>Where FIX 4.4 reserves numbers from this one on for counterparties' own values; 0 when it does not.</summary>
    public static int FirstUserDefinedValue(int tag) => tag switch
    {
        803 => 4000, // PartySubIDType
        847 => 1000, // TargetStrategy
        _ => 0,
    };

    private static AllowedValues?[] Build()
    {
        var byTag = new AllowedValues?[Fix44FieldTypes.MaxTag + 1];
        for (int tag = 1; tag < byTag.Length; tag++)
        {
            var values = Values(tag);
            if (values.IsEmpty) continue;
            var set = new AllowedValues();
            foreach (var range in values.Split((byte)' ')) set.Add(values[range]);
            set.Seal();
            byTag[tag] = set;
        }
        return byTag;
    }

    // Most enumerations are single ASCII characters, tested as bits; the rest ("10", "99", "CORP", …) are found by
    // binary search, as some lists (SecurityType) hold about a hundred.
    private sealed class AllowedValues
    {
        private ulong _low;
        private ulong _high;
        private readonly List<byte[]> _adding = [];
        private byte[][] _longer = [];

        public void Add(ReadOnlySpan<byte> value)
        {
            if (value.Length == 1 && value[0] < 128) SetBit(value[0]);
            else _adding.Add(value.ToArray());
        }

        public void Seal()
        {
            _longer = [.. _adding];
            Array.Sort(_longer, static (a, b) => a.AsSpan().SequenceCompareTo(b));
        }

        public bool Contains(ReadOnlySpan<byte> value)
        {
            if (value.Length == 1)
            {
                byte b = value[0];
                return b < 64 ? (_low >> b & 1) != 0 : b < 128 && (_high >> (b - 64) & 1) != 0;
            }
            int low = 0, high = _longer.Length - 1;
            while (low <= high)
            {
                int middle = (low + high) >>> 1;
                int order = _longer[middle].AsSpan().SequenceCompareTo(value);
                if (order == 0) return true;
                if (order < 0) low = middle + 1;
                else high = middle - 1;
            }
            return false;
        }

        private void SetBit(byte b)
        {
            if (b < 64) _low |= 1UL << b;
            else _high |= 1UL << (b - 64);
        }
    }
}
