"""The clinical numbers a treatment protocol starts from (CLINICAL.md). A clinic may set its
own on each protocol; these are the defaults, each with its source."""

from decimal import Decimal

# IV ketamine induction: Sanacora et al., JAMA Psychiatry 2017 (APA consensus).
KETAMINE_DOSE_MG_PER_KG = Decimal("0.5")
KETAMINE_INFUSION_MINUTES = 40
# The studied range of doses, the protocol's default allowed range.
KETAMINE_MIN_MG_PER_KG = Decimal("0.1")
KETAMINE_MAX_MG_PER_KG = Decimal("0.75")
# Six infusions over two to three weeks: every 2 to 3 days.
INDUCTION_SESSIONS = 6
INDUCTION_MIN_DAYS_APART = 2
INDUCTION_MAX_DAYS_APART = 3

# Vital-sign rules (CLINICAL.md defaults; ASKP3 standards of practice 2020).
DO_NOT_START_SYSTOLIC_ABOVE = 140
DO_NOT_START_DIASTOLIC_ABOVE = 90
ALERT_SYSTOLIC_ABOVE = 180
ALERT_SYSTOLIC_BELOW = 90
ALERT_HEART_RATE_ABOVE = 150
ALERT_HEART_RATE_BELOW = 50
ALERT_RESPIRATORY_RATE_ABOVE = 30
ALERT_RESPIRATORY_RATE_BELOW = 10
ALERT_SPO2_BELOW = 92
VITALS_EVERY_MINUTES = 15

# Spravato REMS: at least 2 hours of observation after every dose; the patient monitoring
# form is due within 7 days; doses of 56 or 84 mg.
REMS_OBSERVATION_MINUTES = 120
REMS_FORM_DUE_DAYS = 7
SPRAVATO_DOSES_MG = (56, 84)
