// Why the gateway refuses a NewOrderSingle before it reaches the engine: the OrdRejReason (103) the reject carries
// and the Text (58) naming the field at fault, decided together where the fault is found.
using Exchange.Fix;

namespace Exchange.Gateway;

internal readonly record struct OrderRefusal(OrdRejReason Reason, string Text);
