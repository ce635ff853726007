// The FIX 4.4 standard header, trailer, components and the messages we support, as the specification lays them out.
// Notation: a tag number is an optional field, "!" marks it required, "n( … )" is a repeating group counted by
// tag n whose first field delimits each entry, and "@Name" inlines a component.
namespace Exchange.Fix;

internal static class Fix44Layouts
{
    public const string Header =
        "8! 9! 35! 49! 56! 115 128 90 91 34! 50 142 57 143 116 144 129 145 43 97 52! 122 212 213 347 369 627(628 629 630)";

    public const string Trailer = "93 89 10!";

    public static string Component(string name) => name switch
    {
        "Parties" => "453(448 447 452 802(523 803))",
        "NestedParties" => "539(524 525 538 804(545 805))",
        "Instrument" =>
            "55 65 48 22 454(455 456) 460 461 167 762 200 541 224 225 239 226 227 228 255 543 470 471 472 240 202 947 " +
            "206 231 223 207 106 348 349 107 350 351 691 667 875 876 864(865 866 867 868) 873 874",
        "UnderlyingInstrument" =>
            "311 312 309 305 457(458 459) 462 463 310 763 313 542 241 242 243 244 245 246 256 595 592 593 594 247 316 941 " +
            "317 436 435 308 306 362 363 307 364 365 877 878 318 879 810 882 883 884 885 886 @UnderlyingStipulations",
        "UnderlyingStipulations" => "887(888 889)",
        "InstrumentLeg" =>
            "600 601 602 603 604(605 606) 607 608 609 764 610 611 248 249 250 251 252 253 257 599 596 597 598 254 612 942 " +
            "613 614 615 616 617 618 619 620 621 622 623 624 556 740 739 955 956",
        "LegStipulations" => "683(688 689)",
        "Stipulations" => "232(233 234)",
        "OrderQtyData" => "38 152 516 468 469",
        "CommissionData" => "12 13 479 497",
        "FinancingDetails" => "913 914 915 918 788 916 917 919 898",
        "SpreadOrBenchmarkCurveData" => "218 220 221 222 662 663 699 761",
        "YieldData" => "235 236 701 696 697 698",
        "PegInstructions" => "211 835 836 837 838 840",
        "DiscretionInstructions" => "388 389 841 842 843 844 846",
        _ => throw new InvalidOperationException($"no FIX 4.4 component {name}"),
    };

    public static readonly (string MsgType, string Name, string Layout)[] Messages =
    [
        ("0", "Heartbeat", "112"),
        ("1", "TestRequest", "112!"),
        ("2", "ResendRequest", "7! 16!"),
        ("3", "Reject", "45! 371 372 373 58 354 355"),
        ("4", "SequenceReset", "123 36!"),
        ("5", "Logout", "58 354 355"),
        ("A", "Logon", "98! 108! 95 96 141 789 383 384(372 385) 464 553 554"),
        ("D", "NewOrderSingle",
            "11! 526 583 @Parties 229 75 1 660 581 589 590 591 70 78(79 661 736 467 @NestedParties 80) 63 64 544 635 21 18 " +
            "110 111 100 386(336 625) 81 @Instrument @FinancingDetails 711(@UnderlyingInstrument) 140 54! 114 60! " +
            "@Stipulations 854 @OrderQtyData 40! 423 44 99 @SpreadOrBenchmarkCurveData @YieldData 15 376 377 23 117 59 168 " +
            "432 126 427 @CommissionData 528 529 582 121 120 775 58 354 355 193 192 640 77 203 210 @PegInstructions " +
            "@DiscretionInstructions 847 848 849 480 481 513 494"),
        ("F", "OrderCancelRequest",
            "41! 37 11! 526 583 66 586 1 660 581 @Parties @Instrument @FinancingDetails 711(@UnderlyingInstrument) 54! 60! " +
            "@OrderQtyData 376 58 354 355"),
        ("G", "OrderCancelReplaceRequest",
            "37 @Parties 229 75 41! 11! 526 583 66 586 1 660 581 589 590 591 70 78(79 661 736 467 @NestedParties 80) 63 64 " +
            "544 635 21 18 110 111 100 386(336 625) @Instrument @FinancingDetails 711(@UnderlyingInstrument) 54! 60! 854 " +
            "@OrderQtyData 40! 423 44 99 @SpreadOrBenchmarkCurveData @YieldData @PegInstructions @DiscretionInstructions " +
            "847 848 849 376 377 15 59 168 432 126 427 @CommissionData 528 529 582 121 120 775 58 354 355 193 192 640 77 203 " +
            "210 114 480 481 513 494"),
        ("H", "OrderStatusRequest",
            "37 11! 526 583 @Parties 790 1 660 @Instrument @FinancingDetails 711(@UnderlyingInstrument) 54!"),
        ("q", "OrderMassCancelRequest", "11! 526 530! 336 625 @Instrument @UnderlyingInstrument 54 60! 58 354 355"),
        ("8", "ExecutionReport",
            "37! 198 526 527 11 41 583 693 790 584 911 912 @Parties 229 382(375 337 437 438 655) 66 548 551 549 17! 19 150! " +
            "39! 636 103 378 1 660 581 589 590 591 63 64 544 635 @Instrument @FinancingDetails 711(@UnderlyingInstrument) " +
            "54! @Stipulations 854 @OrderQtyData 40 423 44 99 @PegInstructions @DiscretionInstructions 839 845 847 848 849 " +
            "850 15 376 377 59 168 432 126 18 528 529 582 32 652 31 651 669 194 195 30 336 625 943 29 151! 14! 6! 424 425 " +
            "426 427 75 60 113 @CommissionData @SpreadOrBenchmarkCurveData @YieldData 381 157 230 158 159 738 920 921 922 " +
            "258 259 260 238 237 118 119 120 155 156 21 110 111 77 210 775 58 354 355 193 192 641 442 480 481 513 494 483 " +
            "515 484 485 638 639 851 518(519 520 521) 555(@InstrumentLeg 687 690 @LegStipulations 564 565 @NestedParties " +
            "654 566 587 588 637) 797 136(137 138 139 891)"),
        ("9", "OrderCancelReject", "37! 198 526 11! 583 41! 39! 636 586 66 1 660 581 229 75 60 434! 102 58 354 355"),
        ("r", "OrderMassCancelReport",
            "11 526 37! 198 530! 531! 532 533 534(41 535 536) 336 625 @Instrument @UnderlyingInstrument 54 60 58 354 355"),
        ("j", "BusinessMessageReject", "45 372! 379 380! 58 354 355"),
    ];
}
