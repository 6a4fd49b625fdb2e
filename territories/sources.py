"""Every input of `mapster reference load`, with the licence and attribution shown on /sources/.

`where` says which folder holds the file: "reference" is MAPSTER_REFERENCE_DIR,
"cog" the decoupage-administratif data folder, "naf" the codes-naf package,
"app" a data file kept in this repository.
"""

from dataclasses import dataclass

LICENCE_OUVERTE = "Licence Ouverte / Etalab 2.0"
LICENCE_OUVERTE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
ODBL = "ODbL 1.0"
ODBL_URL = "https://opendatacommons.org/licenses/odbl/1-0/"
COG = "https://github.com/etalab/decoupage-administratif"
COGUGAISON = "https://github.com/antuki/COGugaison"
FRANCE_GEOJSON = "https://github.com/gregoiredavid/france-geojson"
ODBL_ATTRIBUTION = (
    "Contient des données COGugaison (Kim Antunez, github.com/antuki/COGugaison) sous licence "
    "ODbL 1.0, d'après l'INSEE (Code officiel géographique, tables d'appartenance). Les données "
    "dérivées sont diffusées sous la même licence (partage à l'identique)."
)


@dataclass(frozen=True)
class SourceSpec:
    key: str
    where: str
    filename: str
    name: str
    url: str
    licence: str
    licence_url: str
    vintage: str
    attribution: str
    notes: str = ""


SOURCES = [
    SourceSpec(
        "cog-regions",
        "cog",
        "regions.json",
        "Régions (decoupage-administratif 6.0.0)",
        COG,
        LICENCE_OUVERTE,
        LICENCE_OUVERTE_URL,
        "COG 2026",
        "INSEE, Code officiel géographique 2026, via le paquet @etalab/decoupage-administratif "
        "6.0.0 (code MIT).",
        "18 régions de métropole et d'outre-mer (les collectivités d'outre-mer sont exclues).",
    ),
    SourceSpec(
        "cog-departements",
        "cog",
        "departements.json",
        "Départements (decoupage-administratif 6.0.0)",
        COG,
        LICENCE_OUVERTE,
        LICENCE_OUVERTE_URL,
        "COG 2026",
        "INSEE, Code officiel géographique 2026, via @etalab/decoupage-administratif 6.0.0.",
    ),
    SourceSpec(
        "cog-epci",
        "cog",
        "epci.json",
        "EPCI à fiscalité propre et leurs communes membres",
        COG,
        LICENCE_OUVERTE,
        LICENCE_OUVERTE_URL,
        "2026",
        "DGCL / INSEE, périmètres des EPCI, via @etalab/decoupage-administratif 6.0.0.",
    ),
    SourceSpec(
        "cog-communes",
        "cog",
        "communes.json",
        "Communes, arrondissements municipaux et anciens codes",
        COG,
        LICENCE_OUVERTE,
        LICENCE_OUVERTE_URL,
        "COG 2026",
        "INSEE, Code officiel géographique 2026 et La Poste (codes postaux), via "
        "@etalab/decoupage-administratif 6.0.0.",
        "Les communes des collectivités d'outre-mer (975 à 989) ne sont pas chargées.",
    ),
    SourceSpec(
        "communes-centres",
        "reference",
        "communes-centres.csv",
        "Centres des communes",
        FRANCE_GEOJSON,
        LICENCE_OUVERTE,
        LICENCE_OUVERTE_URL,
        "centroïdes 2018, communes 2026",
        "IGN Admin Express COG 2018 (via gregoiredavid/france-geojson), Licence Ouverte ; "
        "centres des communes fusionnées calculés avec les tables de passage COGugaison (ODbL).",
        "Centroïdes de polygones simplifiés de 2018, pas des limites actuelles.",
    ),
    SourceSpec(
        "communes-centres-predecesseurs",
        "reference",
        "communes-centres-predecesseurs.csv",
        "Communes de 2018 fusionnées depuis (prédécesseurs)",
        COGUGAISON,
        ODBL,
        ODBL_URL,
        "COG 2018 → 2026",
        ODBL_ATTRIBUTION,
        "Sert aux anciens codes : une entreprise enregistrée sous un code d'avant fusion "
        "retrouve sa commune d'aujourd'hui.",
    ),
    SourceSpec(
        "zones-emploi",
        "reference",
        "zones-emploi.csv",
        "Zones d'emploi 2020 des communes",
        COGUGAISON,
        ODBL,
        ODBL_URL,
        "zonage 2020, COG 2024",
        ODBL_ATTRIBUTION,
        "Table au COG 2024 : les communes créées depuis reçoivent la zone de leurs prédécesseurs.",
    ),
    SourceSpec(
        "zones-emploi-libelles",
        "reference",
        "zones-emploi-libelles.csv",
        "Libellés des zones d'emploi 2020",
        COGUGAISON,
        ODBL,
        ODBL_URL,
        "zonage 2020",
        ODBL_ATTRIBUTION,
    ),
    SourceSpec(
        "regions-geojson",
        "reference",
        "regions.geojson",
        "Contours des régions (simplifiés)",
        FRANCE_GEOJSON,
        LICENCE_OUVERTE,
        LICENCE_OUVERTE_URL,
        "2018",
        "IGN Admin Express COG 2018 et INSEE COG 2018, via gregoiredavid/france-geojson.",
        "Métropole seulement : les régions d'outre-mer n'ont pas de contour.",
    ),
    SourceSpec(
        "departements-geojson",
        "reference",
        "departements.geojson",
        "Contours des départements (simplifiés)",
        FRANCE_GEOJSON,
        LICENCE_OUVERTE,
        LICENCE_OUVERTE_URL,
        "2018",
        "IGN Admin Express COG 2018 et INSEE COG 2018, via gregoiredavid/france-geojson.",
        "Métropole seulement : les départements d'outre-mer n'ont pas de contour.",
    ),
    SourceSpec(
        "territoires-industrie",
        "reference",
        "territoires-industrie.csv",
        "Territoires d'industrie",
        "https://www.data.gouv.fr/fr/datasets/5fc1472f114718d419e42f8a/",
        LICENCE_OUVERTE,
        LICENCE_OUVERTE_URL,
        "2018-2022 (partiel) et 2023-2027 (liste ANCT du 2026-08-21)",
        "ANCT, liste des communes couvertes par les Territoires d'industrie (data.gouv.fr). "
        "Première génération : noms relevés dans la presse et les pages officielles.",
        "La génération 2018-2022 est incomplète (73 des 146 à 149 territoires), sans communes.",
    ),
    SourceSpec(
        "communes-programmes-anct",
        "reference",
        "communes-programmes-anct.csv",
        "Programmes de l'ANCT par commune",
        "https://www.data.gouv.fr/fr/organizations/agence-nationale-de-la-cohesion-des-territoires/",
        LICENCE_OUVERTE,
        LICENCE_OUVERTE_URL,
        "listes ANCT d'octobre 2026",
        "ANCT, listes des programmes (CRTE, Petites villes de demain, Action cœur de ville, "
        "Villages d'avenir, QPV…) sur data.gouv.fr.",
    ),
    SourceSpec(
        "naf",
        "naf",
        "index.json",
        "Nomenclature d'activités française (NAF rév. 2)",
        "https://www.insee.fr/fr/information/2120875",
        LICENCE_OUVERTE,
        LICENCE_OUVERTE_URL,
        "NAF rév. 2 (2008)",
        "INSEE, NAF rév. 2, via le paquet @socialgouv/codes-naf 1.1.1 (code Apache-2.0).",
    ),
    SourceSpec(
        "naf-sections",
        "app",
        "activities/data/naf_sections.csv",
        "Sections de la NAF rév. 2",
        "https://www.insee.fr/fr/information/2120875",
        LICENCE_OUVERTE,
        LICENCE_OUVERTE_URL,
        "NAF rév. 2 (2008)",
        "INSEE, NAF rév. 2 : libellés officiels des 21 sections et leurs divisions.",
    ),
    SourceSpec(
        "filieres",
        "app",
        "activities/data/naf_filieres.csv",
        "Filières du baromètre et correspondance NAF",
        "",
        "AGPL-3.0 (correspondance Mapster)",
        "",
        "baromètre 2020",
        "Les 18 filières du rapport France Clusters « Mapster » (décembre 2020) ; "
        "correspondance avec les sous-classes NAF établie par Mapster.",
    ),
]

BY_KEY = {s.key: s for s in SOURCES}
