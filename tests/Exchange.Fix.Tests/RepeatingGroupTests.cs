// Repeating groups are validated against their count, their delimiter and their own fields, nested ones included.
using static Exchange.Fix.Tests.TestMessages;

namespace Exchange.Fix.Tests;

public class RepeatingGroupTests
{
    private const string Order = "11=ORD-1|55=ABC|54=1|60=20261121-10:00:00|38=100|40=2|44=1.5|";

    private static string NewOrder(string parties) => $"35=D|{Header}{parties}{Order}";

    private static void AssertReject(string body, SessionRejectReason reason, int refTagId)
    {
        var result = Validate(body);
        Assert.Equal((FixValidationOutcome.Reject, reason, refTagId), (result.Outcome, result.Reason, result.RefTagId));
    }

    [Fact]
    public void Parties_with_nested_sub_ids_are_valid()
    {
        Assert.True(Validate(NewOrder("453=2|448=T1|447=D|452=11|802=2|523=D1|803=24|523=D2|803=25|448=F1|447=D|452=1|")).IsValid);
    }

    [Fact]
    public void Logon_with_NoMsgTypes_is_valid()
    {
        Assert.True(Validate("35=A|" + Header + "98=0|108=30|384=2|372=D|385=R|372=8|385=S|553=u|554=p|").IsValid);
    }

    [Fact]
    public void Header_hops_are_a_valid_header_group()
    {
        Assert.True(Validate("35=0|34=2|49=BROKER|52=20261121-10:00:00|56=EXCH|627=1|628=HUB|629=20261121-09:59:59|").IsValid);
    }

    [Fact]
    public void A_count_of_zero_with_no_entries_is_valid()
    {
        Assert.True(Validate(NewOrder("453=0|")).IsValid);
    }

    [Fact]
    public void A_count_higher_than_the_entries_is_an_incorrect_NumInGroup()
    {
        AssertReject(NewOrder("453=3|448=T1|447=D|452=11|448=F1|447=D|452=1|"), SessionRejectReason.IncorrectNumInGroupCount, FixTag.NoPartyIDs);
    }

    [Fact]
    public void A_count_lower_than_the_entries_is_an_incorrect_NumInGroup()
    {
        AssertReject(NewOrder("453=1|448=T1|447=D|452=11|448=F1|447=D|452=1|"), SessionRejectReason.IncorrectNumInGroupCount, FixTag.NoPartyIDs);
    }

    [Fact]
    public void Entries_after_a_count_of_zero_are_an_incorrect_NumInGroup()
    {
        AssertReject(NewOrder("453=0|448=T1|"), SessionRejectReason.IncorrectNumInGroupCount, FixTag.NoPartyIDs);
    }

    [Fact]
    public void A_wrong_nested_count_names_the_nested_group()
    {
        AssertReject(NewOrder("453=1|448=T1|447=D|452=11|802=2|523=D1|803=24|"), SessionRejectReason.IncorrectNumInGroupCount, FixTag.NoPartySubIDs);
    }

    [Fact]
    public void An_entry_not_starting_with_the_delimiter_is_an_incorrect_NumInGroup()
    {
        AssertReject(NewOrder("453=1|447=D|448=T1|452=11|"), SessionRejectReason.IncorrectNumInGroupCount, FixTag.NoPartyIDs);
    }

    [Fact]
    public void Logon_NoMsgTypes_with_a_wrong_count_is_an_incorrect_NumInGroup()
    {
        AssertReject("35=A|" + Header + "98=0|108=30|384=3|372=D|385=R|372=8|385=S|", SessionRejectReason.IncorrectNumInGroupCount, FixTag.NoMsgTypes);
    }

    [Fact]
    public void A_field_repeated_within_one_entry_appears_more_than_once()
    {
        AssertReject(NewOrder("453=1|448=T1|447=D|447=D|452=11|"), SessionRejectReason.TagAppearsMoreThanOnce, FixTag.PartyIDSource);
    }

    [Fact]
    public void A_group_field_outside_its_group_is_not_defined_for_the_message()
    {
        AssertReject(NewOrder("453=1|448=T1|447=D|452=11|1=ACC|448=T2|"), SessionRejectReason.TagNotDefinedForMessageType, FixTag.PartyID);
    }

    [Fact]
    public void A_group_count_that_is_not_a_number_has_an_incorrect_data_format()
    {
        AssertReject(NewOrder("453=two|448=T1|"), SessionRejectReason.IncorrectDataFormat, FixTag.NoPartyIDs);
    }

    [Fact]
    public void A_group_counter_repeated_in_the_body_appears_more_than_once()
    {
        AssertReject(NewOrder("453=1|448=T1|1=ACC|453=1|448=T2|"), SessionRejectReason.TagAppearsMoreThanOnce, FixTag.NoPartyIDs);
    }

    [Fact]
    public void A_value_inside_a_group_is_checked_against_its_enumeration()
    {
        AssertReject(NewOrder("453=1|448=T1|447=D|452=23|"), SessionRejectReason.ValueIsIncorrect, FixTag.PartyRole);
    }

    [Fact]
    public void An_empty_value_inside_a_group_is_a_tag_without_a_value()
    {
        AssertReject(NewOrder("453=1|448=T1|447=|452=1|"), SessionRejectReason.TagSpecifiedWithoutValue, FixTag.PartyIDSource);
    }

    [Fact]
    public void The_gateway_can_walk_party_entries_by_their_delimiter()
    {
        var bytes = Build(NewOrder("453=2|448=T1|447=D|452=11|802=1|523=D1|803=24|448=F1|447=D|452=1|"));
        Assert.True(FixMessage.TryParse(bytes, new FixField[64], out var message, out _));
        var ids = new List<string>();
        for (int i = message.IndexOf(FixTag.PartyID); i >= 0; i = message.IndexOf(FixTag.PartyID, i + 1))
            ids.Add(Show(message.Value(i)));
        Assert.Equal(["T1", "F1"], ids);
    }
}
