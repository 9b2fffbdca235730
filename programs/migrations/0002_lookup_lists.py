"""The starting lookup lists, so that a fresh database is usable at once.

Curators may add to these lists in the admin; slugs are stable and used by filters, imports
and fixtures.
"""

from django.db import migrations

LANGUAGES = [
    ("english", "English"), ("spanish", "Spanish"), ("asl", "American Sign Language (ASL)"),
    ("chinese", "Chinese"), ("vietnamese", "Vietnamese"), ("korean", "Korean"),
    ("tagalog", "Tagalog"), ("russian", "Russian"), ("arabic", "Arabic"),
    ("haitian-creole", "Haitian Creole"), ("portuguese", "Portuguese"), ("french", "French"),
    ("german", "German"), ("polish", "Polish"), ("navajo", "Navajo"), ("hmong", "Hmong"),
    ("somali", "Somali"),
]
PAYMENT_TYPES = [
    ("medicaid", "Medicaid"), ("medicare", "Medicare"),
    ("private-insurance", "Private insurance"),
    ("state-insurance", "State-financed insurance (other than Medicaid)"),
    ("tricare", "Military insurance (TRICARE)"), ("va", "VA funds"),
    ("self-pay", "Self-pay (cash)"), ("sliding-scale", "Sliding fee scale"),
    ("free", "Free or grant-funded care"), ("payment-plan", "Payment plan"),
    ("payment-assistance", "Payment assistance"),
]
ACCREDITATIONS = [
    ("state-license", "State license"),
    ("carf", "CARF (Commission on Accreditation of Rehabilitation Facilities)"),
    ("joint-commission", "The Joint Commission"),
    ("coa", "COA (Council on Accreditation)"),
    ("ncqa", "NCQA"),
    ("fqhc", "Federally Qualified Health Center"),
    ("hospital-license", "Hospital licensing authority"),
    ("samhsa-otp", "SAMHSA-certified Opioid Treatment Program"),
]
POPULATIONS = [
    ("adults", "Adults"), ("adolescents", "Adolescents"), ("young-adults", "Young adults"),
    ("older-adults", "Older adults"), ("women", "Women only"), ("men", "Men only"),
    ("lgbtq", "LGBTQ+ people"), ("veterans", "Veterans and military"),
    ("pregnant-postpartum", "Pregnant or postpartum people"),
    ("justice-involved", "People in the justice system"), ("dui-dwi", "DUI/DWI clients"),
]
MEDICATIONS = [
    ("buprenorphine", "Buprenorphine (e.g. Suboxone)"),
    ("buprenorphine-injectable", "Buprenorphine, monthly injection (e.g. Sublocade)"),
    ("naltrexone-oral", "Naltrexone (oral)"),
    ("naltrexone-injectable", "Naltrexone, monthly injection (Vivitrol)"),
    ("methadone", "Methadone (through an opioid treatment program)"),
    ("acamprosate", "Acamprosate"),
    ("disulfiram", "Disulfiram"),
]
MODALITIES = [
    ("cbt", "Cognitive behavioral therapy (CBT)", "evidence"),
    ("dbt", "Dialectical behavior therapy (DBT)", "evidence"),
    ("motivational-interviewing", "Motivational interviewing", "evidence"),
    ("matrix-model", "Matrix Model", "evidence"),
    ("contingency-management", "Contingency management", "evidence"),
    ("community-reinforcement", "Community reinforcement (CRA / CRAFT)", "evidence"),
    ("trauma-focused", "Trauma-focused therapy (e.g. EMDR, Seeking Safety)", "evidence"),
    ("family-therapy", "Family therapy", "evidence"),
    ("relapse-prevention", "Relapse prevention", "evidence"),
    ("mindfulness", "Mindfulness-based therapy", "evidence"),
    ("integrated-dual-disorders", "Integrated dual-disorders treatment", "evidence"),
    ("psychotropic-medication", "Psychiatric medication", "medication"),
    ("mat", "Medication for addiction treatment (MAT)", "medication"),
    ("expressive-therapies", "Expressive therapies (art, music, writing)", "holistic"),
    ("yoga", "Yoga", "holistic"),
    ("meditation", "Meditation", "holistic"),
    ("acupuncture", "Acupuncture", "holistic"),
    ("nutrition", "Diet and exercise counseling", "holistic"),
    ("twelve-step", "12-step facilitation", "mutual_help"),
    ("smart-recovery", "SMART Recovery and other non-12-step groups", "mutual_help"),
    ("peer-support", "Peer support", "mutual_help"),
    ("faith-based", "Faith-based program", "faith"),
]
GROUP_TOPICS = [
    ("relapse-prevention", "Relapse prevention"), ("self-esteem", "Self-esteem"),
    ("life-skills", "Life skills"), ("psychoeducation", "Psychoeducation"),
    ("trauma", "Trauma"), ("expressive-arts", "Art, writing and music"),
    ("yoga", "Yoga"), ("mindfulness", "Meditation and mindfulness"),
    ("relationships", "Healthy relationships"), ("stress", "Stress management"),
    ("communication", "Communication"), ("problem-solving", "Problem solving"),
    ("anger-management", "Anger management"),
]
CONDITIONS = [
    ("depression", "Depression"), ("anxiety", "Anxiety"), ("ptsd", "PTSD and trauma"),
    ("bipolar", "Bipolar disorder"), ("eating-disorders", "Eating disorders"),
    ("psychotic-disorders", "Psychotic disorders"), ("adhd", "ADHD"),
    ("personality-disorders", "Personality disorders"),
]
# slug, name, physician, prescriber, licensed therapist
CREDENTIALS = [
    ("psychiatrist", "Psychiatrist (MD/DO)", True, True, False),
    ("addiction-physician", "Addiction-medicine physician (MD/DO)", True, True, False),
    ("psychiatric-np", "Psychiatric nurse practitioner", False, True, False),
    ("physician-assistant", "Physician assistant", False, True, False),
    ("psychologist", "Licensed psychologist (PhD/PsyD)", False, False, True),
    ("lcsw", "Licensed clinical social worker (LCSW)", False, False, True),
    ("lpc", "Licensed professional counselor (LPC / LPCC / LMHC)", False, False, True),
    ("lmft", "Licensed marriage and family therapist (LMFT)", False, False, True),
    ("licensed-addiction-counselor", "Licensed addiction counselor (LADC / LCADC / LAADC)",
     False, False, True),
    ("certified-addiction-counselor", "Certified addiction counselor (CADC / CAC / CASAC / NCAC)",
     False, False, False),
    ("registered-nurse", "Registered nurse (RN)", False, False, False),
    ("peer-recovery-specialist", "Certified peer recovery specialist", False, False, False),
    ("case-manager", "Case manager", False, False, False),
]  # fmt: skip


def load(apps, schema_editor):
    def fill(model_name, rows):
        model = apps.get_model("programs", model_name)
        for slug, name in rows:
            model.objects.update_or_create(slug=slug, defaults={"name": name})

    fill("Language", LANGUAGES)
    fill("PaymentType", PAYMENT_TYPES)
    fill("Accreditation", ACCREDITATIONS)
    fill("Population", POPULATIONS)
    fill("Medication", MEDICATIONS)
    fill("GroupTopic", GROUP_TOPICS)
    fill("Condition", CONDITIONS)
    Modality = apps.get_model("programs", "Modality")
    for slug, name, kind in MODALITIES:
        Modality.objects.update_or_create(slug=slug, defaults={"name": name, "kind": kind})
    Credential = apps.get_model("programs", "Credential")
    for order, (slug, name, physician, prescriber, therapist) in enumerate(CREDENTIALS):
        Credential.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "is_physician": physician,
                "is_prescriber": prescriber,
                "is_licensed_therapist": therapist,
                "sort_order": order * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
