from django import template

from klearmind.clinic.validators import format_phone

register = template.Library()
register.filter("phone", format_phone)
