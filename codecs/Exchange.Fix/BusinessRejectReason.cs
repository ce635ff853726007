// BusinessRejectReason (380) codes and their standard FIX 4.4 wording, for Business Message Reject (35=j).
namespace Exchange.Fix;

public enum BusinessRejectReason
{
    Other = 0,
    UnknownId = 1,
    UnknownSecurity = 2,
    UnsupportedMessageType = 3,
    ApplicationNotAvailable = 4,
    ConditionallyRequiredFieldMissing = 5,
    NotAuthorized = 6,
    DeliverToFirmNotAvailable = 7,
}

public static class BusinessRejectReasons
{
    public static ReadOnlySpan<byte> Text(BusinessRejectReason reason) => reason switch
    {
        BusinessRejectReason.UnknownId => "Unknown ID"u8,
        BusinessRejectReason.UnknownSecurity => "Unknown Security"u8,
        BusinessRejectReason.UnsupportedMessageType => "Unsupported Message Type"u8,
        BusinessRejectReason.ApplicationNotAvailable => "Application not available"u8,
        BusinessRejectReason.ConditionallyRequiredFieldMissing => "Conditionally Required Field Missing"u8,
        BusinessRejectReason.NotAuthorized => "Not authorized"u8,
        BusinessRejectReason.DeliverToFirmNotAvailable => "DeliverTo firm not available at this time"u8,
        _ => "Other"u8,
    };
}
