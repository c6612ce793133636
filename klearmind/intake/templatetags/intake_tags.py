from django import template
from django.utils.translation import gettext

from klearmind.intake import questionnaires

register = template.Library()


@register.simple_tag
def phq9_stem() -> str:
    return gettext(questionnaires.PHQ9_STEM)


@register.simple_tag
def gad7_stem() -> str:
    return gettext(questionnaires.GAD7_STEM)


# The PCL-5 stays in English in every language (questionnaires.py).
@register.simple_tag
def pcl5_instructions() -> str:
    return questionnaires.PCL5_INSTRUCTIONS


@register.simple_tag
def pcl5_stem() -> str:
    return questionnaires.PCL5_STEM
