// Named FIX 4.4 tag numbers for the fields the session layer and the order-entry gateway read and write.
namespace Exchange.Fix;

public static class FixTag
{
    /// <summary>Third-party routing of a reply: for each routing field of the message it answers, the field the reply
    /// carries the value in (what came on behalf of goes back delivered to, and the reverse), in ascending order of the
    /// reply's tags, which is how a reply writes them right after its standard header.</summary>
    public static readonly (int Received, int Reply)[] ReplyRoute =
    [
        (DeliverToCompID, OnBehalfOfCompID),
        (DeliverToSubID, OnBehalfOfSubID),
        (OnBehalfOfCompID, DeliverToCompID),
        (OnBehalfOfSubID, DeliverToSubID),
        (DeliverToLocationID, OnBehalfOfLocationID),
        (OnBehalfOfLocationID, DeliverToLocationID),
    ];

    // Standard header and trailer.
    public const int BeginString = 8;
    public const int BodyLength = 9;
    public const int MsgType = 35;
    public const int SenderCompID = 49;
    public const int TargetCompID = 56;
    public const int OnBehalfOfCompID = 115;
    public const int DeliverToCompID = 128;
    public const int SecureDataLen = 90;
    public const int SecureData = 91;
    public const int MsgSeqNum = 34;
    public const int SenderSubID = 50;
    public const int SenderLocationID = 142;
    public const int TargetSubID = 57;
    public const int TargetLocationID = 143;
    public const int OnBehalfOfSubID = 116;
    public const int OnBehalfOfLocationID = 144;
    public const int DeliverToSubID = 129;
    public const int DeliverToLocationID = 145;
    public const int PossDupFlag = 43;
    public const int PossResend = 97;
    public const int SendingTime = 52;
    public const int OrigSendingTime = 122;
    public const int XmlDataLen = 212;
    public const int XmlData = 213;
    public const int MessageEncoding = 347;
    public const int LastMsgSeqNumProcessed = 369;
    public const int NoHops = 627;
    public const int HopCompID = 628;
    public const int HopSendingTime = 629;
    public const int HopRefID = 630;
    public const int SignatureLength = 93;
    public const int Signature = 89;
    public const int CheckSum = 10;

    // Session messages.
    public const int BeginSeqNo = 7;
    public const int EndSeqNo = 16;
    public const int NewSeqNo = 36;
    public const int RefSeqNum = 45;
    public const int Text = 58;
    public const int RawDataLength = 95;
    public const int RawData = 96;
    public const int EncryptMethod = 98;
    public const int HeartBtInt = 108;
    public const int TestReqID = 112;
    public const int GapFillFlag = 123;
    public const int ResetSeqNumFlag = 141;
    public const int EncodedTextLen = 354;
    public const int EncodedText = 355;
    public const int RefTagID = 371;
    public const int RefMsgType = 372;
    public const int SessionRejectReason = 373;
    public const int BusinessRejectRefID = 379;
    public const int BusinessRejectReason = 380;
    public const int MaxMessageSize = 383;
    public const int NoMsgTypes = 384;
    public const int MsgDirection = 385;
    public const int TestMessageIndicator = 464;
    public const int Username = 553;
    public const int Password = 554;
    public const int NextExpectedMsgSeqNum = 789;

    // Orders, cancels, mass cancels and execution reports.
    public const int Account = 1;
    public const int AvgPx = 6;
    public const int ClOrdID = 11;
    public const int Commission = 12;
    public const int CommType = 13;
    public const int CumQty = 14;
    public const int Currency = 15;
    public const int ExecID = 17;
    public const int ExecInst = 18;
    public const int ExecRefID = 19;
    public const int HandlInst = 21;
    public const int SecurityIDSource = 22;
    public const int LastCapacity = 29;
    public const int LastMkt = 30;
    public const int LastPx = 31;
    public const int LastQty = 32;
    public const int OrderID = 37;
    public const int OrderQty = 38;
    public const int OrdStatus = 39;
    public const int OrdType = 40;
    public const int OrigClOrdID = 41;
    public const int Price = 44;
    public const int SecurityID = 48;
    public const int Side = 54;
    public const int Symbol = 55;
    public const int TimeInForce = 59;
    public const int TransactTime = 60;
    public const int SettlType = 63;
    public const int SettlDate = 64;
    public const int ListID = 66;
    public const int TradeDate = 75;
    public const int PositionEffect = 77;
    public const int StopPx = 99;
    public const int ExDestination = 100;
    public const int CxlRejReason = 102;
    public const int OrdRejReason = 103;
    public const int MinQty = 110;
    public const int MaxFloor = 111;
    public const int ExpireTime = 126;
    public const int ExecType = 150;
    public const int LeavesQty = 151;
    public const int CashOrderQty = 152;
    public const int SecurityType = 167;
    public const int EffectiveTime = 168;
    public const int SecondaryOrderID = 198;
    public const int MaturityMonthYear = 200;
    public const int SecurityExchange = 207;
    public const int MaxShow = 210;
    public const int TradingSessionID = 336;
    public const int ComplianceID = 376;
    public const int ExecRestatementReason = 378;
    public const int PriceType = 423;
    public const int ExpireDate = 432;
    public const int CxlRejResponseTo = 434;
    public const int PartyIDSource = 447;
    public const int PartyID = 448;
    public const int PartyRole = 452;
    public const int NoPartyIDs = 453;
    public const int Product = 460;
    public const int CFICode = 461;
    public const int PartySubID = 523;
    public const int SecondaryClOrdID = 526;
    public const int SecondaryExecID = 527;
    public const int OrderCapacity = 528;
    public const int MassCancelRequestType = 530;
    public const int MassCancelResponse = 531;
    public const int MassCancelRejectReason = 532;
    public const int TotalAffectedOrders = 533;
    public const int NoAffectedOrders = 534;
    public const int AffectedOrderID = 535;
    public const int AffectedSecondaryOrderID = 536;
    public const int AccountType = 581;
    public const int ClOrdLinkID = 583;
    public const int OrigOrdModTime = 586;
    public const int TradingSessionSubID = 625;
    public const int WorkingIndicator = 636;
    public const int OrdStatusReqID = 790;
    public const int NoPartySubIDs = 802;
    public const int PartySubIDType = 803;
    public const int LastLiquidityInd = 851;
    public const int QtyType = 854;
    public const int TrdMatchID = 880;
}
