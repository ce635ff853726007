// The type of every FIX 4.4 tag, 1 to 956, one code per tag ('-' where 4.4 defines no tag: 101, 261, 809).
namespace Exchange.Fix;

internal static class Fix44FieldTypes
{
    public const int MaxTag = 956;

    // S String  C Char  I Int  n SeqNum  l Length  N NumInGroup  y DayOfMonth  P Price  O PriceOffset  Q Qty
    // A Amt  F Float  % Percentage  B Boolean  V MultipleValueString  $ Currency  X Exchange  c Country
    // T UTCTimestamp  t UTCTimeOnly  d UTCDateOnly  L LocalMktDate  M MonthYear  D Data
    // A few 4.4 CHAR fields whose values have two digits (MiscFeeType 139, MassCancelRejectReason 532) are
    // read as String so those values are well-formed; their enumerations still apply. Group counters that
    // the 4.4 field list types loosely (NoAffectedOrders 534, NoLegSecurityAltID 604) are NumInGroup.
    private static readonly string[] Rows =
    [
        "SSSCSPnSlS", // 1
        "SACQ$nSVSC", // 11
        "CSSCCSSCCX", // 21
        "PQNnSnSQCC", // 31
        "STBPnSCSSS", // 41
        "LTQCSSSSCT", // 51
        "CTCLSSIISS", // 61
        "CSNILSCNSQ", // 71
        "CIIQNSIIDl", // 81
        "DSlClDBIPX", // 91
        "-IICSSSISQ", // 101
        "QSBBSSSAA$", // 111
        "BTBNCTCSSB", // 121
        "SPPQQNA$SP", // 131
        "BSSSSNSSSC", // 141
        "QQPAFCI%AC", // 151
        "SSCSCSSTIS", // 161
        "SISSSSSSSS", // 171
        "SSSSSSSPOP", // 181
        "OQLPOSISNM", // 191
        "IPIIyCXBIQ", // 201
        "FlDSNISOC$", // 211
        "SS%LLI%FLL", // 221
        "FNSSS%AAIL", // 231
        "LLII%FLLLI", // 241
        "I%FLSSSBLP", // 251
        "-SCIIBNNCP", // 261
        "QdtCXVVSCS", // 271
        "CSSSCVISSI", // 281
        "VVQQNNIISI", // 291
        "ISIISSSXSS", // 301
        "SSMyIPC$QS", // 311
        "ISISBICBBQ", // 321
        "QPPISSSIII", // 331
        "TTTTTISlDl", // 341
        "DlDlDlDlDl", // 351
        "DlDlDPTInT", // 361
        "ISICSSBISI", // 371
        "ANlNCNQCFS", // 381
        "SSIIIAANIS", // 391
        "I%%A%A%AI%", // 401
        "BA%IIIICCN", // 411
        "cIIQQPINII", // 421
        "ILCC%FQTSS", // 431
        "ICTSlDCSdt", // 441
        "OINNSSNSSI", // 451
        "SISBISSCFc", // 461
        "SSNScSI$$C", // 471
        "CSTCFLISSL", // 481
        "SISSISCSSS", // 491
        "SSLLSCISSN", // 501
        "S%SCT%CNIF", // 511
        "$ISSCSSCVC", // 521
        "CSINSSIINA", // 531
        "LLSCSVBSII", // 541
        "SNSSN$INII", // 551
        "QQICIPISIB", // 561
        "SSCSBNISSI", // 571
        "IISSITCLCC", // 581
        "CcSSScSSSS", // 591
        "SSSNSSISSM", // 601
        "LPCF%XSlDS", // 611
        "lDFCSINSTn", // 621
        "P%%%SBPIOP", // 631
        "OOOSPPQQSB", // 641
        "PQISSFFISI", // 651
        "IPISIIMIPN", // 661
        "SSQS$$SSPI", // 671
        "PSNPQIQSSI", // 681
        "SISICLPISB", // 691
        "LNSQQISAIS", // 701
        "NISSLSSIBB", // 711
        "SIIIISIIIP", // 721
        "IPIPN$AALS", // 731
        "AALCQACIII", // 741
        "IINBSNSCIS", // 751
        "SSSS%A$NTI", // 761
        "SSIIIISNTI", // 771
        "NSCISICInS", // 781
        "SISISIBIPQ", // 791
        "NNININII-P", // 801
        "FIIIINSSIS", // 811
        "SSSSSIIIIS", // 821
        "SISOIIIIPI", // 831
        "IIIIPIIS%F", // 841
        "IBIIIIIASP", // 851
        "PNQNILPS%N", // 861
        "ISLLISSSQS", // 871
        "SPPAAANSSA", // 881
        "IIBSIIN%AA", // 891
        "ASISIISSSI", // 901
        "IBSSLLL$IA", // 911
        "AASISISISS", // 921
        "SSSSININII", // 931
        "$$SIII$NSC", // 941
        "INSIML",     // 951
    ];

    private static readonly FixFieldType[] Types = Build();

    public static FixFieldType Of(int tag) => (uint)tag <= MaxTag ? Types[tag] : FixFieldType.Undefined;

    private static FixFieldType[] Build()
    {
        var types = new FixFieldType[MaxTag + 1];
        int tag = 1;
        foreach (string row in Rows)
        {
            if (row.Length != 10 && tag + row.Length - 1 != MaxTag)
                throw new InvalidOperationException($"FIX 4.4 type row starting at tag {tag} has {row.Length} codes");
            foreach (char code in row) types[tag++] = Decode(code);
        }
        if (tag != MaxTag + 1) throw new InvalidOperationException($"FIX 4.4 type table ends at tag {tag - 1}");
        return types;
    }

    private static FixFieldType Decode(char code) => code switch
    {
        'S' => FixFieldType.String,
        'C' => FixFieldType.Char,
        'I' => FixFieldType.Int,
        'n' => FixFieldType.SeqNum,
        'l' => FixFieldType.Length,
        'N' => FixFieldType.NumInGroup,
        'y' => FixFieldType.DayOfMonth,
        'P' => FixFieldType.Price,
        'O' => FixFieldType.PriceOffset,
        'Q' => FixFieldType.Qty,
        'A' => FixFieldType.Amt,
        'F' => FixFieldType.Float,
        '%' => FixFieldType.Percentage,
        'B' => FixFieldType.Boolean,
        'V' => FixFieldType.MultipleValueString,
        '$' => FixFieldType.Currency,
        'X' => FixFieldType.Exchange,
        'c' => FixFieldType.Country,
        'T' => FixFieldType.UtcTimestamp,
        't' => FixFieldType.UtcTimeOnly,
        'd' => FixFieldType.UtcDateOnly,
        'L' => FixFieldType.LocalMktDate,
        'M' => FixFieldType.MonthYear,
        'D' => FixFieldType.Data,
        '-' => FixFieldType.Undefined,
        _ => throw new InvalidOperationException($"unknown FIX type code '{code}'"),
    };
}
