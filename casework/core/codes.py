"""Code lists shared by the domain: defined once, used by models, forms, services and exports.

Values are the official codes (DfE where DfE publishes one) so that statutory returns map
them without translation; the year-by-year validity of each code for a return lives in
``casework/returns/<format>/``.
"""

from django.db import models


class Sex(models.TextChoices):
    # The 903 uses M/F/U from 2024/25 (1/2 before); the return maps at its edge.
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Not known or indeterminate"


class Ethnicity(models.TextChoices):
    """DfE ethnicity codes (SSDA903 ETHNIC, CIN census, school census main codes)."""

    WBRI = "WBRI", "White: British"
    WIRI = "WIRI", "White: Irish"
    WIRT = "WIRT", "White: Traveller of Irish heritage"
    WROM = "WROM", "White: Gypsy/Roma"
    WOTH = "WOTH", "White: any other White background"
    MWBC = "MWBC", "Mixed: White and Black Caribbean"
    MWBA = "MWBA", "Mixed: White and Black African"
    MWAS = "MWAS", "Mixed: White and Asian"
    MOTH = "MOTH", "Mixed: any other mixed background"
    AIND = "AIND", "Asian or Asian British: Indian"
    APKN = "APKN", "Asian or Asian British: Pakistani"
    ABAN = "ABAN", "Asian or Asian British: Bangladeshi"
    AOTH = "AOTH", "Asian or Asian British: any other Asian background"
    BCRB = "BCRB", "Black or Black British: Caribbean"
    BAFR = "BAFR", "Black or Black British: African"
    BOTH = "BOTH", "Black or Black British: any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class SocialWorkerChangeReason(models.TextChoices):
    """DfE SW_REASON: why a child's allocated social worker changed (903 SWEpisodes)."""

    FCONTA = "FCONTA", "First contact (first allocated social worker)"
    MANAGE = "MANAGE", "Management decision"
    LEFTRL = "LEFTRL", "Social worker left the role"
    ORGRST = "ORGRST", "Organisational restructure"
    TSPROC = "TSPROC", "Transfer as part of the standard process"
    ABSENC = "ABSENC", "Social worker absence"
    CHCHAN = "CHCHAN", "Child requested a change"
    PCCHAN = "PCCHAN", "Parent or carer requested a change"
    SWDIED = "SWDIED", "Social worker died"
    OTHERS = "OTHERS", "Other reason"


class ServiceType(models.TextChoices):
    LOOKED_AFTER_CHILD = "lac", "Looked-after child"
    CARE_LEAVER = "care_leaver", "Care leaver"
    CHILD_IN_NEED = "cin", "Child in need"
    ADULT_ACCESS = "adult_access", "Adult access"
    ADULT_COMPLEX = "adult_complex", "Adult complex case management"
    SAFEGUARDING_ENQUIRY = "safeguarding", "Safeguarding enquiry (section 42)"
    CONTINUING_HEALTHCARE = "chc", "NHS continuing healthcare"
    DOLS_COP = "dols_cop", "Deprivation of Liberty / Court of Protection"


# Default caseload weights per service type (a practice overrides them per service type).
# A looked-after child counts 1; a complex adult case a little more; a short access case less.
DEFAULT_CASE_WEIGHTS = {
    ServiceType.LOOKED_AFTER_CHILD: "1.00",
    ServiceType.CARE_LEAVER: "0.70",
    ServiceType.CHILD_IN_NEED: "1.00",
    ServiceType.ADULT_ACCESS: "0.50",
    ServiceType.ADULT_COMPLEX: "1.20",
    ServiceType.SAFEGUARDING_ENQUIRY: "1.50",
    ServiceType.CONTINUING_HEALTHCARE: "0.80",
    ServiceType.DOLS_COP: "1.00",
}
