"""Vocabulary of the demo network: filières, real NAF sub-classes, names and phrases.

The 18 filières are the seed report's; their slugs are ``core.text.slug_key(name)``,
as the activities loader and the factories use. Each lists real NAF rev. 2
sub-classes that fit it, so demo companies carry consistent activity codes.
"""

# (filière name, theme words for cluster names, [(NAF code, label)], offer phrases)
FILIERES = [
    (
        "agriculture, viticulture, horticulture, sylviculture",
        ["Agri", "Vigne et Terroirs", "Horticulture", "Forêt et Bois vivant"],
        [
            (
                "01.11Z",
                "Culture de céréales (à l'exception du riz), de légumineuses et de graines oléagineuses",  # noqa: E501
            ),
            ("01.21Z", "Culture de la vigne"),
            ("01.19Z", "Autres cultures non permanentes"),
            ("01.30Z", "Reproduction de plantes"),
            ("01.61Z", "Activités de soutien aux cultures"),
            ("02.10Z", "Sylviculture et autres activités forestières"),
        ],
        [
            "semences et plants certifiés",
            "agriculture de précision et capteurs au champ",
            "conduite de vignes en agriculture biologique",
            "gestion forestière durable",
            "production horticole sous serre à basse consommation",
        ],
    ),
    (
        "agroalimentaire, bioressources, végétal",
        ["Agroalimentaire", "Saveurs", "Végétal", "Bioressources"],
        [
            ("10.13A", "Préparation industrielle de produits à base de viande"),
            ("10.39A", "Autre transformation et conservation de légumes"),
            ("10.51A", "Fabrication de lait liquide et de produits frais"),
            ("10.71A", "Fabrication industrielle de pain et de pâtisserie fraîche"),
            ("10.82Z", "Fabrication de cacao, chocolat et de produits de confiserie"),
            ("10.86Z", "Fabrication d'aliments homogénéisés et diététiques"),
        ],
        [
            "transformation de produits laitiers",
            "conserverie de légumes de plein champ",
            "recettes sans allergènes pour la restauration collective",
            "emballages alimentaires compostables",
            "ingrédients végétaux et protéines alternatives",
        ],
    ),
    (
        "automobile, ferroviaire, aéronautique, navale",
        ["Aéronautique", "Mobilités", "Ferroviaire", "Naval", "Automobile"],
        [
            ("29.10Z", "Construction de véhicules automobiles"),
            ("29.32Z", "Fabrication d'autres équipements automobiles"),
            ("30.11Z", "Construction de navires et de structures flottantes"),
            ("30.20Z", "Construction de locomotives et d'autre matériel ferroviaire roulant"),
            ("30.30Z", "Construction aéronautique et spatiale"),
            ("33.16Z", "Réparation et maintenance d'aéronefs et d'engins spatiaux"),
        ],
        [
            "pièces de structure aéronautique en composite",
            "câblage et harnais pour le ferroviaire",
            "maintenance de nacelles et trains d'atterrissage",
            "aménagement intérieur de navires",
            "équipements pour véhicules électriques",
        ],
    ),
    (
        "biens de consommation",
        ["Mode et Maison", "Art de vivre", "Biens de consommation"],
        [
            ("14.13Z", "Fabrication de vêtements de dessus"),
            ("15.12Z", "Fabrication d'articles de voyage, de maroquinerie et de sellerie"),
            ("31.09B", "Fabrication d'autres meubles et industries connexes de l'ameublement"),
            ("32.12Z", "Fabrication d'articles de joaillerie et bijouterie"),
            ("32.40Z", "Fabrication de jeux et jouets"),
        ],
        [
            "confection textile en petites séries",
            "maroquinerie haut de gamme",
            "mobilier en bois massif sur mesure",
            "jouets en matériaux recyclés",
        ],
    ),
    (
        "bois, matériaux et procédés innovants, chimie, biologie",
        ["Matériaux", "Chimie verte", "Bois et Composites", "Plasturgie"],
        [
            ("16.10A", "Sciage et rabotage du bois, hors imprégnation"),
            ("16.23Z", "Fabrication de charpentes et d'autres menuiseries"),
            ("20.14Z", "Fabrication d'autres produits chimiques organiques de base"),
            ("20.16Z", "Fabrication de matières plastiques de base"),
            ("22.29A", "Fabrication de pièces techniques à base de matières plastiques"),
            ("23.41Z", "Fabrication d'articles céramiques à usage domestique ou ornemental"),
            ("72.11Z", "Recherche-développement en biotechnologie"),
        ],
        [
            "injection plastique de pièces techniques",
            "matériaux biosourcés pour le bâtiment",
            "traitement de surface sans chrome",
            "charpente et lamellé-collé",
            "formulation de résines",
        ],
    ),
    (
        "chaîne logistique",
        ["Logistique", "Supply Chain", "Transport et Logistique"],
        [
            ("49.41A", "Transports routiers de fret interurbains"),
            ("52.10B", "Entreposage et stockage non frigorifique"),
            ("52.24A", "Manutention portuaire"),
            ("52.29A", "Messagerie, fret express"),
            ("52.29B", "Affrètement et organisation des transports"),
        ],
        [
            "entreposage sous température dirigée",
            "livraison du dernier kilomètre à vélo cargo",
            "organisation de transports multimodaux",
            "logiciel de suivi de flotte",
        ],
    ),
    (
        "culture, tourisme, sport et loisir",
        ["Tourisme", "Industries créatives", "Sport et Loisirs", "Image et Son"],
        [
            ("55.10Z", "Hôtels et hébergement similaire"),
            ("58.21Z", "Édition de jeux électroniques"),
            ("59.11A", "Production de films et de programmes pour la télévision"),
            ("79.12Z", "Activités des voyagistes"),
            ("90.01Z", "Arts du spectacle vivant"),
            ("93.11Z", "Gestion d'installations sportives"),
        ],
        [
            "production audiovisuelle et effets visuels",
            "tourisme de découverte économique",
            "équipements de sport outdoor",
            "jeux vidéo éducatifs",
        ],
    ),
    (
        "défense, sécurité",
        ["Sécurité", "Défense", "Sûreté"],
        [
            ("25.40Z", "Fabrication d'armes et de munitions"),
            ("26.51A", "Fabrication d'équipements d'aide à la navigation"),
            ("30.40Z", "Construction de véhicules militaires de combat"),
            ("80.10Z", "Activités de sécurité privée"),
            ("80.20Z", "Activités liées aux systèmes de sécurité"),
        ],
        [
            "systèmes de vidéoprotection",
            "détection d'intrusion sur sites sensibles",
            "équipements de protection individuelle",
            "cybersécurité des systèmes industriels",
        ],
    ),
    (
        "éco technologies, écoconstruction",
        ["Écoconstruction", "Bâtiment durable", "Éco-technologies"],
        [
            ("23.61Z", "Fabrication d'éléments en béton pour la construction"),
            ("41.20A", "Construction de maisons individuelles"),
            ("43.22B", "Travaux d'installation d'équipements thermiques et de climatisation"),
            ("43.29A", "Travaux d'isolation"),
            ("71.12B", "Ingénierie, études techniques"),
        ],
        [
            "rénovation énergétique de logements",
            "isolation en fibre de bois",
            "bureau d'études thermiques",
            "béton bas carbone",
        ],
    ),
    (
        "économie sociale et solidaire",
        ["Économie solidaire", "Coopération", "Insertion"],
        [
            ("38.32Z", "Récupération de déchets triés"),
            ("88.10C", "Aide par le travail"),
            ("88.99B", "Action sociale sans hébergement n.c.a."),
            ("94.99Z", "Autres organisations fonctionnant par adhésion volontaire"),
        ],
        [
            "recyclerie et réemploi",
            "sous-traitance industrielle en ESAT",
            "insertion par l'activité économique",
            "circuits courts et épiceries solidaires",
        ],
    ),
    (
        "énergie, éco énergies",
        ["Énergies", "Énergies renouvelables", "Hydrogène", "Solaire"],
        [
            ("27.11Z", "Fabrication de moteurs, génératrices et transformateurs électriques"),
            (
                "28.11Z",
                "Fabrication de moteurs et turbines, à l'exception des moteurs d'avions et de véhicules",  # noqa: E501
            ),
            ("35.11Z", "Production d'électricité"),
            ("35.21Z", "Production de combustibles gazeux"),
            ("43.21A", "Travaux d'installation électrique dans tous locaux"),
        ],
        [
            "installation de centrales photovoltaïques",
            "méthanisation agricole",
            "électrolyseurs et stockage d'hydrogène",
            "maintenance d'éoliennes",
            "efficacité énergétique des procédés",
        ],
    ),
    (
        "environnement, eau, développement durable",
        ["Eau", "Environnement", "Économie circulaire"],
        [
            ("36.00Z", "Captage, traitement et distribution d'eau"),
            ("37.00Z", "Collecte et traitement des eaux usées"),
            ("38.11Z", "Collecte des déchets non dangereux"),
            ("38.21Z", "Traitement et élimination des déchets non dangereux"),
            ("39.00Z", "Dépollution et autres services de la gestion des déchets"),
            ("71.20B", "Analyses, essais et inspections techniques"),
        ],
        [
            "traitement des eaux industrielles",
            "analyses environnementales en laboratoire",
            "dépollution des sols",
            "valorisation des biodéchets",
        ],
    ),
    (
        "ingénierie de services, service aux entreprises",
        ["Services aux entreprises", "Conseil et Ingénierie"],
        [
            ("69.20Z", "Activités comptables"),
            ("70.22Z", "Conseil pour les affaires et autres conseils de gestion"),
            ("73.11Z", "Activités des agences de publicité"),
            ("74.90B", "Activités spécialisées, scientifiques et techniques diverses"),
            ("78.10Z", "Activités des agences de placement de main-d'œuvre"),
            ("82.99Z", "Autres activités de soutien aux entreprises n.c.a."),
        ],
        [
            "conseil en stratégie export",
            "accompagnement au financement de l'innovation",
            "recrutement de profils techniques",
            "communication industrielle",
        ],
    ),
    (
        "mécatronique, robotique, microtechniques, mécanique, métallurgie",
        ["Mécatronique", "Mécanique", "Robotique", "Métallurgie", "Microtechniques"],
        [
            ("24.10Z", "Sidérurgie"),
            ("24.51Z", "Fonderie de fonte"),
            ("25.50B", "Découpage, emboutissage"),
            ("25.62A", "Décolletage"),
            ("25.62B", "Mécanique industrielle"),
            ("28.41Z", "Fabrication de machines-outils pour le travail des métaux"),
            ("28.99B", "Fabrication d'autres machines spécialisées"),
            ("33.12Z", "Réparation de machines et équipements mécaniques"),
        ],
        [
            "usinage de précision cinq axes",
            "décolletage de petites pièces",
            "intégration de cellules robotisées",
            "chaudronnerie et tôlerie fine",
            "fabrication additive métallique",
            "traitement thermique des métaux",
        ],
    ),
    (
        "optique, photonique, laser",
        ["Photonique", "Optique", "Laser"],
        [
            ("26.11Z", "Fabrication de composants électroniques"),
            ("26.70Z", "Fabrication de matériels optique et photographique"),
            ("27.31Z", "Fabrication de câbles de fibres optiques"),
            ("32.50B", "Fabrication de lunettes"),
        ],
        [
            "sources laser pour le marquage",
            "vision industrielle et contrôle optique",
            "fibres optiques spéciales",
            "verres ophtalmiques",
        ],
    ),
    (
        "santé, biotechnologies, bien être",
        ["Santé", "Biotech", "Silver économie", "Bien-être"],
        [
            ("21.20Z", "Fabrication de préparations pharmaceutiques"),
            (
                "26.60Z",
                "Fabrication d'équipements d'irradiation médicale, d'équipements électromédicaux et électrothérapeutiques",  # noqa: E501
            ),
            ("32.50A", "Fabrication de matériel médico-chirurgical et dentaire"),
            ("72.19Z", "Recherche-développement en autres sciences physiques et naturelles"),
            ("86.90B", "Laboratoires d'analyses médicales"),
        ],
        [
            "dispositifs médicaux implantables",
            "biotechnologies pour le diagnostic",
            "télésurveillance des patients",
            "cosmétiques naturels",
        ],
    ),
    (
        "services aux personnes, social",
        ["Services à la personne", "Solidarités", "Autonomie"],
        [
            ("85.59A", "Formation continue d'adultes"),
            ("87.10A", "Hébergement médicalisé pour personnes âgées"),
            ("88.10A", "Aide à domicile"),
            ("88.91A", "Accueil de jeunes enfants"),
            ("96.02A", "Coiffure"),
        ],
        [
            "aide à domicile des personnes âgées",
            "formation aux métiers du soin",
            "crèches d'entreprise",
            "domotique pour l'autonomie",
        ],
    ),
    (
        "TIC, numérique, logiciels",
        ["Numérique", "Logiciels", "Data et IA", "Cybersécurité"],
        [
            ("58.29C", "Édition de logiciels applicatifs"),
            ("61.10Z", "Télécommunications filaires"),
            ("62.01Z", "Programmation informatique"),
            ("62.02A", "Conseil en systèmes et logiciels informatiques"),
            ("62.03Z", "Gestion d'installations informatiques"),
            ("63.11Z", "Traitement de données, hébergement et activités connexes"),
        ],
        [
            "développement d'applications métier",
            "intelligence artificielle pour la maintenance prédictive",
            "hébergement de données souverain",
            "objets connectés industriels",
            "jumeaux numériques d'usine",
        ],
    ),
]

CLUSTER_PREFIXES = ["Cluster", "Cluster", "Cluster", "Grappe", "Réseau", "Club", "Association"]

SURNAMES = (
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
    "Lefebvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefèvre "
    "Mercier Dupont Lambert Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc "
    "Guérin Muller Henry Roussel Nicolas Perrin Morin Mathieu Clément Gauthier Dumont Lopez "
    "Fontaine Chevalier Robin Masson Sanchez Gérard Nguyen Boyer Denis Lemaire Duval Joly "
    "Gautier Roger Roche Roy Noël Meyer Lucas Meunier Jean Perez Marchand Dufour Blanchard "
    "Marie Barbier Brun Dumas Brunet Schmitt Leroux Colin Fernandez Pierre Renard Arnaud "
    "Rolland Caron Aubert Giraud Leclerc Vidal Bourgeois Renaud Lemoine Picard Gaillard "
    "Philippe Leclercq Lacroix Fabre Dupuis Olivier Rodriguez Da Silva Hubert Louis Charles "
    "Guillot Rivière Le Gall Guillaume Adam Rey Moulin Gonzalez Berger Lecomte Menard Fleury "
    "Deschamps Carpentier Julien Benoît Paris Maillard Marchal Aubry Vasseur Le Roux Renault "
    "Jacquet Collet Prévost Poirier Charpentier Royer Huet Baron Dupuy Pons Paul Laine Carré"
).split()

FIRST_NAMES = (
    "Camille Léa Manon Chloé Emma Inès Sarah Julie Claire Anne Marie Sophie Lucie Élodie "
    "Lucas Hugo Louis Thomas Nicolas Julien Antoine Pierre Maxime Alexandre Romain Mathieu "
    "Céline Nathalie Isabelle Aurélie Karim Mehdi Yasmine Samir Jeanne Paul Théo Nina"
).split()

# (prefix pattern, legal form, INSEE legal category)
LEGAL_FORMS = [("SAS", "5710"), ("SARL", "5499"), ("SA", "5599"), ("SASU", "5720")]
COMPANY_PATTERNS = [
    "{surname} {activity}",
    "Atelier {surname}",
    "{surname} & Fils",
    "{activity} {surname}",
    "Ets {surname}",
    "{surname} Industrie",
    "{surname} Technologies",
    "{activity} du {place}",
]

# Shares of INSEE headcount bands among cluster members: mostly SMEs, few large groups.
# Tuned so that the estimated jobs of 80,000 members land near the seed's figure
# (1,000,000 jobs for 80,000 companies, 12.5 each): 13.0 jobs per member on average.
HEADCOUNT_WEIGHTS = {
    "00": 22,
    "01": 20,
    "02": 18,
    "03": 13,
    "11": 14,
    "12": 9,
    "21": 3,
    "22": 0.9,
    "31": 0.2,
    "32": 0.12,
    "41": 0.05,
    "42": 0.02,
    "51": 0.008,
    "52": 0.004,
    "53": 0.002,
}

ROLES = ["Chargée de mission", "Directeur", "Directrice", "Animateur", "Responsable projets"]
CLUSTER_DESCRIPTIONS = [
    "{name} fédère {n} entreprises et laboratoires de la filière {filiere} autour de projets "
    "collaboratifs, de l'export et des compétences.",
    "Réseau d'entreprises de {territory}, {name} accompagne ses adhérents ({filiere}) dans "
    "l'innovation, la transition écologique et le recrutement.",
    "Créé pour rapprocher PME, grands groupes et centres de recherche de {territory}, {name} "
    "anime des groupes de travail sur {topics}.",
]
