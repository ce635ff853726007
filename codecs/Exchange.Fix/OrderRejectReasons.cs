// The reason codes FIX 4.4 gives for refusing order entry: OrdRejReason (103) on an ExecutionReport, CxlRejReason
// (102) on an OrderCancelReject, MassCancelRejectReason (532) on an OrderMassCancelReport.
namespace Exchange.Fix;

public enum OrdRejReason
{
    BrokerExchangeOption = 0,
    UnknownSymbol = 1,
    ExchangeClosed = 2,
    OrderExceedsLimit = 3,
    TooLateToEnter = 4,
    UnknownOrder = 5,
    DuplicateOrder = 6,
    DuplicateOfVerballyCommunicatedOrder = 7,
    StaleOrder = 8,
    TradeAlongRequired = 9,
    InvalidInvestorId = 10,
    UnsupportedOrderCharacteristic = 11,
    SurveillanceOption = 12,
    IncorrectQuantity = 13,
    IncorrectAllocatedQuantity = 14,
    UnknownAccount = 15,
    Other = 99,
}

public enum CxlRejReason
{
    TooLateToCancel = 0,
    UnknownOrder = 1,
    BrokerExchangeOption = 2,
    AlreadyPendingCancelOrReplace = 3,
    UnableToProcessMassCancel = 4,
    OrigOrdModTimeMismatch = 5,
    DuplicateClOrdId = 6,
    Other = 99,
}

public enum MassCancelRejectReason
{
    MassCancelNotSupported = 0,
    UnknownSecurity = 1,
    UnknownUnderlying = 2,
    UnknownProduct = 3,
    UnknownCfiCode = 4,
    UnknownSecurityType = 5,
    UnknownTradingSession = 6,
    Other = 99,
}
