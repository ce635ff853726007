// exchange-admin: an operator's commands to a running engine. It logs on as an operator (the key comes from
// --key-file or the EXCHANGE_OPERATOR_KEY variable, never the command line, where any user could read it), sends
// one administrative command, which the engine sequences and journals like any input, and prints the engine's answer.
// Exit 0 when the engine applied it, 1 when the engine refused it or could not be reached, 2 on bad arguments.
using System.CommandLine;
using Exchange.Admin.Tool;
using Exchange.Hosting;

var engine = new Option<string>("--engine")
{
    Description = "The engine shard's listen channel", HelpName = "CHANNEL", DefaultValueFactory = _ => "aeron:udp?endpoint=127.0.0.1:40123|term-length=1m",
};
var keyFile = new Option<string?>("--key-file") { Description = "A file holding the operator's key (else the EXCHANGE_OPERATOR_KEY variable)", HelpName = "FILE" };
var responseHost = new Option<string>("--response-host") { Description = "The address the engine sends answers to", DefaultValueFactory = _ => "127.0.0.1", HelpName = "HOST" };
var json = new Option<bool>("--json") { Description = "One JSON object instead of text" };
var timeout = Cli.IntInRange("--timeout-ms", "How long to wait for the engine", 10_000, 100);

// Given before or after the subcommand alike.
foreach (Option option in new Option[] { engine, keyFile, responseHost, json, timeout }) option.Recursive = true;

var root = new RootCommand("""
    An operator's commands to a running engine, sequenced and journaled like any input. The operator's key comes from
    --key-file FILE or the EXCHANGE_OPERATOR_KEY environment variable (the demo engine's is ops-admin-key).
    """)
{
    engine, keyFile, responseHost, json, timeout,
};

Argument<long> AccountArgument() => new("account") { Description = "Account id" };
Argument<int> IntArgument(string name, string description) => new(name) { Description = description };
Argument<long> AmountArgument() => new("amount") { Description = "Amount, in the asset's smallest unit" };

void Add(Command command, Func<ParseResult, Request> request)
{
    command.SetAction(parsed => Administration.Run(request(parsed), new Connection(parsed.GetValue(engine)!, parsed.GetValue(keyFile),
        parsed.GetValue(responseHost)!, TimeSpan.FromMilliseconds(parsed.GetValue(timeout))), parsed.GetValue(json)));
    root.Subcommands.Add(command);
}

var account = AccountArgument();
var permission = new Option<AccountPermission>("--permission")
{
    Description = "What the account's sessions may do: Trade (the default), CancelOnly, ReadOnly or Admin",
    DefaultValueFactory = _ => AccountPermission.Trade,
};
permission.AcceptOnlyFromAmong(nameof(AccountPermission.Trade), nameof(AccountPermission.CancelOnly), nameof(AccountPermission.ReadOnly), nameof(AccountPermission.Admin));
Add(new Command("add-account", "Add an account (no funds; deposit next)") { account, permission },
    p => Request.AddAccount(p.GetValue(account), p.GetValue(permission)));

var permissionAccount = AccountArgument();
var newPermission = new Argument<AccountPermission>("permission") { Description = "Trade, CancelOnly, ReadOnly or Admin" };
newPermission.AcceptOnlyFromAmong(nameof(AccountPermission.Trade), nameof(AccountPermission.CancelOnly), nameof(AccountPermission.ReadOnly), nameof(AccountPermission.Admin));
Add(new Command("set-permission", "Change what an account's sessions may do from now on (its open orders stay)") { permissionAccount, newPermission },
    p => Request.SetPermission(p.GetValue(permissionAccount), p.GetValue(newPermission)));

var depositAccount = AccountArgument();
var depositAsset = IntArgument("asset", "Asset id");
var depositAmount = AmountArgument();
Add(new Command("deposit", "Credit an account") { depositAccount, depositAsset, depositAmount },
    p => Request.Deposit(p.GetValue(depositAccount), p.GetValue(depositAsset), p.GetValue(depositAmount)));

var withdrawAccount = AccountArgument();
var withdrawAsset = IntArgument("asset", "Asset id");
var withdrawAmount = AmountArgument();
Add(new Command("withdraw", "Debit an account's available balance") { withdrawAccount, withdrawAsset, withdrawAmount },
    p => Request.Withdraw(p.GetValue(withdrawAccount), p.GetValue(withdrawAsset), p.GetValue(withdrawAmount)));

var haltSymbol = IntArgument("symbol", "Symbol id");
Add(new Command("halt", "Stop trading a symbol: new orders are refused, resting ones stay") { haltSymbol }, p => Request.Halt(p.GetValue(haltSymbol)));

var resumeSymbol = IntArgument("symbol", "Symbol id");
Add(new Command("resume", "Resume trading a halted symbol") { resumeSymbol }, p => Request.Resume(p.GetValue(resumeSymbol)));

var spec = new Option<string>("--spec")
{
    Description = "id,baseAsset,quoteAsset,tick,lot,minQuantity,maxQuantity,referencePrice,bandBps,makerFeeBps,takerFeeBps,maxNotional",
    HelpName = "LIST", Required = true,
};
var symbolName = new Option<string>("--name")
{
    Description = "The name the gateways and people know it by (1 to 16 printable characters, e.g. SOL-USD); names are unique",
    HelpName = "NAME", Required = true,
};
Add(new Command("add-symbol", "Add a symbol with its name and trading rules (integers, as the engine's config gives them)") { symbolName, spec },
    p => Request.AddSymbol(Request.ParseSpec(p.GetValue(spec)!), Request.ParseName(p.GetValue(symbolName)!)));

return Cli.Run(root, args);
