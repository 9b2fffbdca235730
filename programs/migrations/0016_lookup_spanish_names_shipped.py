"""Spanish names for the lookup values the site ships (migration 0002), written by the project.

Spanish pages show a value's Spanish name where it has one (``Lookup.display_name``). Curators
can change these in the admin; this fills only names that are still empty, so a curator's own
Spanish name is never overwritten, and going back empties only the names it wrote.
Abbreviations that families meet as they are (CBT, LCSW, CARF, ADHD...) stay in the name.
"""

from django.db import migrations

SPANISH_NAMES = {
    "Language": {
        "english": "Inglés",
        "spanish": "Español",
        "asl": "Lengua de señas americana (ASL)",
        "chinese": "Chino",
        "vietnamese": "Vietnamita",
        "korean": "Coreano",
        "tagalog": "Tagalo",
        "russian": "Ruso",
        "arabic": "Árabe",
        "haitian-creole": "Criollo haitiano",
        "portuguese": "Portugués",
        "french": "Francés",
        "german": "Alemán",
        "polish": "Polaco",
        "navajo": "Navajo",
        "hmong": "Hmong",
        "somali": "Somalí",
    },
    "PaymentType": {
        "medicaid": "Medicaid",
        "medicare": "Medicare",
        "private-insurance": "Seguro médico privado",
        "state-insurance": "Seguro pagado por el estado (que no es Medicaid)",
        "tricare": "Seguro militar (TRICARE)",
        "va": "Fondos de Asuntos de Veteranos (VA)",
        "self-pay": "Pago propio (en efectivo)",
        "sliding-scale": "Tarifa según ingresos",
        "free": "Atención gratuita o pagada con subvenciones",
        "payment-plan": "Plan de pagos",
        "payment-assistance": "Ayuda para pagar",
    },
    "Accreditation": {
        "state-license": "Licencia del estado",
        "carf": "CARF (Comisión de Acreditación de Centros de Rehabilitación)",
        "joint-commission": "The Joint Commission (acreditación de centros de salud)",
        "coa": "COA (Consejo de Acreditación)",
        "ncqa": "NCQA",
        "fqhc": "Centro de salud con calificación federal (FQHC)",
        "hospital-license": "Licencia de hospital",
        "samhsa-otp": "Programa de tratamiento de opioides certificado por SAMHSA",
    },
    "Population": {
        "adults": "Adultos",
        "adolescents": "Adolescentes",
        "young-adults": "Adultos jóvenes",
        "older-adults": "Personas mayores",
        "women": "Solo mujeres",
        "men": "Solo hombres",
        "lgbtq": "Personas LGBTQ+",
        "veterans": "Veteranos y militares",
        "pregnant-postpartum": "Embarazadas o después del parto",
        "justice-involved": "Personas con casos en el sistema judicial",
        "dui-dwi": "Personas con casos de manejar bajo los efectos (DUI/DWI)",
    },
    "Medication": {
        "buprenorphine": "Buprenorfina (p. ej., Suboxone)",
        "buprenorphine-injectable": "Buprenorfina, inyección mensual (p. ej., Sublocade)",
        "naltrexone-oral": "Naltrexona (por boca)",
        "naltrexone-injectable": "Naltrexona, inyección mensual (Vivitrol)",
        "methadone": "Metadona (en un programa de tratamiento de opioides)",
        "acamprosate": "Acamprosato",
        "disulfiram": "Disulfiram",
    },
    "Modality": {
        "cbt": "Terapia cognitivo-conductual (CBT)",
        "dbt": "Terapia dialéctica conductual (DBT)",
        "motivational-interviewing": "Entrevista motivacional",
        "matrix-model": "Modelo Matrix",
        "contingency-management": "Manejo de contingencias (premios por metas cumplidas)",
        "community-reinforcement": "Refuerzo comunitario (CRA / CRAFT)",
        "trauma-focused": "Terapia centrada en el trauma (p. ej., EMDR, Seeking Safety)",
        "family-therapy": "Terapia familiar",
        "relapse-prevention": "Prevención de recaídas",
        "mindfulness": "Terapia basada en la atención plena (mindfulness)",
        "integrated-dual-disorders": "Tratamiento integrado de adicción y salud mental",
        "psychotropic-medication": "Medicamentos psiquiátricos",
        "mat": "Medicamentos para tratar la adicción (MAT)",
        "expressive-therapies": "Terapias expresivas (arte, música, escritura)",
        "yoga": "Yoga",
        "meditation": "Meditación",
        "acupuncture": "Acupuntura",
        "nutrition": "Consejería sobre alimentación y ejercicio",
        "twelve-step": "Preparación para los 12 pasos",
        "smart-recovery": "SMART Recovery y otros grupos que no son de 12 pasos",
        "peer-support": "Apoyo de compañeros en recuperación",
        "faith-based": "Programa basado en la fe",
    },
    "GroupTopic": {
        "relapse-prevention": "Prevención de recaídas",
        "self-esteem": "Autoestima",
        "life-skills": "Habilidades para la vida diaria",
        "psychoeducation": "Información sobre la adicción y la salud mental",
        "trauma": "Trauma",
        "expressive-arts": "Arte, escritura y música",
        "yoga": "Yoga",
        "mindfulness": "Meditación y atención plena",
        "relationships": "Relaciones sanas",
        "stress": "Manejo del estrés",
        "communication": "Comunicación",
        "problem-solving": "Resolver problemas",
        "anger-management": "Manejo de la ira",
    },
    "Condition": {
        "depression": "Depresión",
        "anxiety": "Ansiedad",
        "ptsd": "Trastorno de estrés postraumático (PTSD) y trauma",
        "bipolar": "Trastorno bipolar",
        "eating-disorders": "Trastornos de la alimentación",
        "psychotic-disorders": "Trastornos psicóticos",
        "adhd": "Trastorno por déficit de atención (ADHD)",
        "personality-disorders": "Trastornos de la personalidad",
    },
    "Credential": {
        "psychiatrist": "Psiquiatra (MD/DO)",
        "addiction-physician": "Médico especialista en adicciones (MD/DO)",
        "psychiatric-np": "Enfermero/a practicante psiquiátrico/a",
        "physician-assistant": "Asistente médico",
        "psychologist": "Psicólogo/a con licencia (PhD/PsyD)",
        "lcsw": "Trabajador/a social clínico/a con licencia (LCSW)",
        "lpc": "Consejero/a profesional con licencia (LPC / LPCC / LMHC)",
        "lmft": "Terapeuta de pareja y familia con licencia (LMFT)",
        "licensed-addiction-counselor": (
            "Consejero/a de adicciones con licencia (LADC / LCADC / LAADC)"
        ),
        "certified-addiction-counselor": (
            "Consejero/a de adicciones certificado/a (CADC / CAC / CASAC / NCAC)"
        ),
        "registered-nurse": "Enfermero/a registrado/a (RN)",
        "peer-recovery-specialist": "Especialista certificado/a en apoyo de recuperación",
        "case-manager": "Administrador/a de casos",
    },
}


def fill_spanish_names(apps, schema_editor):
    for model_name, names in SPANISH_NAMES.items():
        model = apps.get_model("programs", model_name)
        for slug, name_es in names.items():
            model.objects.filter(slug=slug, name_es="").update(name_es=name_es)


def empty_spanish_names(apps, schema_editor):
    for model_name, names in SPANISH_NAMES.items():
        model = apps.get_model("programs", model_name)
        for slug, name_es in names.items():
            model.objects.filter(slug=slug, name_es=name_es).update(name_es="")


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0015_constraint_messages"),
    ]

    operations = [migrations.RunPython(fill_spanish_names, empty_spanish_names)]
