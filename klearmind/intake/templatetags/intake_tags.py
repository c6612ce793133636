from django import template

from klearmind.intake import questionnaires

register = template.Library()


@register.simple_tag
def phq9_stem() -> str:
    return questionnaires.PHQ9_STEM


@register.simple_tag
def gad7_stem() -> str:
    return questionnaires.GAD7_STEM


@register.simple_tag
def pcl5_instructions() -> str:
    return questionnaires.PCL5_INSTRUCTIONS


@register.simple_tag
def pcl5_stem() -> str:
    return questionnaires.PCL5_STEM
