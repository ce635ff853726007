// The first problem the validator found in a message, in the terms a Reject or Business Message Reject needs.
namespace Exchange.Fix;

public enum FixValidationOutcome
{
    Valid = 0,
    /// <summary>Answer with a session Reject (35=3): 373 = <see cref="FixValidationResult.Reason"/>,
    /// 371 = <see cref="FixValidationResult.RefTagId"/>.</summary>
    Reject,
    /// <summary>A well-formed message of a FIX 4.4 type we do not handle: Business Message Reject (35=j), 380=3.</summary>
    UnsupportedMessageType,
}

public readonly struct FixValidationResult
{
    private FixValidationResult(FixValidationOutcome outcome, SessionRejectReason reason, int refTagId)
    {
        Outcome = outcome;
        Reason = reason;
        RefTagId = refTagId;
    }

    public static FixValidationResult Valid => default;

    public static FixValidationResult UnsupportedMessageType => new(FixValidationOutcome.UnsupportedMessageType, default, 0);

    public static FixValidationResult Reject(SessionRejectReason reason, int refTagId) =>
        new(FixValidationOutcome.Reject, reason, refTagId);

    public FixValidationOutcome Outcome { get; }
    public bool IsValid => Outcome == FixValidationOutcome.Valid;

    /// <summary>Meaningful when <see cref="Outcome"/> is <see cref="FixValidationOutcome.Reject"/>.</summary>
    public SessionRejectReason Reason { get; }

    /// <summary>The tag at fault, for RefTagID (371): every reject names one. An invalid tag number is named as it
    /// was received, so it may be 0 or negative.</summary>
    public int RefTagId { get; }

    /// <summary>The standard wording for Text (58) of the reject this outcome calls for; empty when valid.</summary>
    public ReadOnlySpan<byte> Text => Outcome switch
    {
        FixValidationOutcome.Reject => SessionRejectReasons.Text(Reason),
        FixValidationOutcome.UnsupportedMessageType => BusinessRejectReasons.Text(BusinessRejectReason.UnsupportedMessageType),
        _ => default,
    };

    public override string ToString() => Outcome switch
    {
        FixValidationOutcome.Reject => $"Reject {(int)Reason} ({Reason}) on tag {RefTagId}",
        _ => Outcome.ToString(),
    };
}
